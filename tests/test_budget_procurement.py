"""Budgets (部门预算): the 政府采购 table of each layout, the narrative's 政府采购 against its 合计, the 三公 rows of each
unit against the 合计, and a stated growth % against its amounts — figures read from the page renders.

The procurement tables (checked on the page images): 江苏检察院 2017 十二、政府采购支出预算表 pp.16–18 (采购品目大类 |
专项名称 | 经济科目 | 采购物品名称 | 采购组织形式 | 总计, 合计 2,889.80 = 一、货物 A 334.00 + 三、服务 C 2,555.80; the 说明
on p.18 starts right under it with underlined figures); 西安 表12 p.31 (部门综合预算政府采购（资产配置、购买服务）预算表 in
元: 科目编码 类/款/项, 单位编码, 采购项目, 采购目录, 数量, 部门预算 and 政府预算 经济科目 类/款, 实施采购时间, 预算金额);
江苏 2017, 重庆 表九 p.18 and 烟台 公开表12 p.25 are in their goldens too (tests/data/budgets).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.conftest import SHARED_CORPUS

BUDGETS = SHARED_CORPUS / "budget"

pytestmark = pytest.mark.skipif(not BUDGETS.is_dir(), reason="the real budgets (../shared/corpus/budget) are absent")


@pytest.fixture(scope="module")
def parsed(parse_budget):
    return parse_budget


def _check(report, name: str):
    return next(c for c in report.checks if c.name == name)


def test_procurement_by_unit_and_item_with_quantity(parsed):
    """西安 表12 p.31 (元), every row as on the page image: 合计 6 items, 3,786,500.00; 201 40 04 全额 and 121001
    西安市信访局 repeat it; six services under 2014004, each 数量 1 — 驻京信访工作 1,435,900.00. The 合计 is printed across
    the 科目编码, 单位编码, 采购项目, 采购目录, 购买服务内容 and 规格型号 columns: the rules under it tell them apart, so the
    科目编码 is the row's code and the 单位编码, the name and the text columns (采购目录, 规格型号, 实施采购时间) are read
    each apart. The 经济科目 codes printed after 数量 (302 14 502 01) are not the row's code; 数量 is a count, not divided
    by 10,000 like the amounts."""
    report = parsed("2026_xian-xfj_budget")
    table = report.table("budget_procurement")
    assert (table.source.page, table.unit) == (31, "元")
    assert [(r.code, r.label, r.value("quantity"), r.cell("total").original) for r in table.rows] == [
        (None, "合计", 6.0, "3,786,500.00"),
        ("2014004", "1 全额", 6.0, "3,786,500.00"),
        ("2014004", "121001 西安市信访局", 6.0, "3,786,500.00"),
        ("2014004", "接待中心安保服务 C05040300保安服务 详见合同", 1.0, "499,800.00"),
        ("2014004", "接待中心运维 C16990000其他信息技术服务 详见合同", 1.0, "280,000.00"),
        ("2014004", "联合学院善后办工作事务 C05040300保安服务 详见合同 2026-10-31 08:00:00", 1.0, "250,000.00"),
        ("2014004", "食堂包厨服务 C22040000餐饮服务 详见合同", 1.0, "423,800.00"),
        ("2014004", "物业管理服务 C21040000物业管理服务 详见合同 2026-04-30 08:00:00", 1.0, "897,000.00"),
        ("2014004", "驻京信访工作 C21020000房屋租赁服务 详见合同", 1.0, "1,435,900.00")]
    assert [r.level for r in table.rows[1:]] == [1, 2, 3, 3, 3, 3, 3, 3]  # nested by amounts, never by 数量
    items = [r for r in table.rows if r.level == 3]
    assert sum(r.value("total") for r in items) == pytest.approx(378.65)
    assert _check(report, "budget_procurement.rows.total").status == "pass"


def test_procurement_tree_of_categories_ends_at_the_next_part(parsed):
    """江苏检察院 2017 pp.16–18: the table's last row is 教育服务 700.00 (p.18); '第三部分 … 情况说明' and the 说明's
    underlined figures under it are no rows. 合计 2,889.80 = 334.00 + 2,555.80, as the 说明 p.23 states."""
    report = parsed("2017_js-jcy_budget")
    table = report.table("budget_procurement")
    assert all(r.cells and r.value("total") is not None for r in table.rows)
    last = table.rows[-1]
    assert (last.label, last.value("total"), last.source.page) == ("教育服务 分散自行组织", 700.0, 18)
    categories = _check(report, "budget_procurement.categories")
    assert (categories.expected, categories.actual, categories.status) == (2889.8, 2889.8, "pass")
    narrative = _check(report, "narrative.procurement_budget")
    assert (narrative.status, narrative.source.page, narrative.detail) == ("pass", 23, "table p.16, narrative p.23")


def test_procurement_tree_by_the_column_its_name_ends_in(parsed):
    """江苏检察院 2017 pp.16–18 print the tree across columns, no codes: 采购品目大类 (一、货物 A) > 专项名称 and 经济科目
    (办公、办案设备更新购置费 | 办公设备购置 120.00; 专用设备购置 30.00, its 专项 not printed again, is one too) > 采购物品名称
    (台式计算机（20万以上） 35.00 …). Each row's level is the column its name ends in, so every parent = Σ the rows under
    it (17 checks, all pass on the page images: 120.00 = 35 + 45 + 20 + 8 + 2 + 10)."""
    report = parsed("2017_js-jcy_budget")
    table = report.table("budget_procurement")
    assert [r.level for r in table.rows[1:26]] == [1, 2, 3, 3, 3, 3, 3, 3, 2, 3, 2, 3, 3, 3, 3, 2, 3, 3, 3, 3, 2, 3, 2,
                                                   3, 1]
    assert (table.rows[21].label, table.rows[21].level, table.rows[21].value("total")) == ("专用设备购置", 2, 30.0)
    tree = [c for c in report.checks if c.name.startswith("budget_procurement.children.")]
    assert len(tree) == 17 and all(c.status == "pass" for c in tree)
    office = _check(report, "budget_procurement.children.办公、办案设备更新购置费 办公设备购置")
    assert (office.expected, office.actual) == (120.0, 120.0)


def test_procurement_rows_add_up_by_source_and_a_disagreeing_narrative_fails(parsed):
    """重庆 表九 p.18: each row's 总计 = its sources (947.00 = 事业收入 47.00 + 其他收入 900.00); the 说明 p.3 states
    947 万元. A narrative figure the table does not print is a failed check naming both pages, the table kept."""
    from gongkai.extract.budget_reconciliation import reconcile_budget

    report = parsed("2026_cq-qxj_budget")
    assert _check(report, "budget_procurement.row_total.total").status == "pass"
    assert _check(report, "budget_procurement.categories").status == "pass"
    stated = report.fact("procurement_budget")
    wrong = replace(stated, value=stated.value + 10)
    broken = replace(report, narrative=[wrong if f is stated else f for f in report.narrative])
    check = next(c for c in reconcile_budget(broken) if c.name == "narrative.procurement_budget")
    assert (check.status, check.expected, check.actual) == ("fail", 947.0, 957.0)
    assert check.detail == "table p.18, narrative p.3"


def test_three_public_units_add_up_by_their_hierarchy(parsed):
    """杭州 表7 p.21: 合计 24.02 = 杭州市气象局 13.13 + 杭州市气象服务中心 10.89. 西安 表13 p.32: 121 西安市信访局 (the
    department) above 121001 (its one unit) is not added again: 10.10 = 10.10. 长沙 p.20: the department's one row."""
    hangzhou = _check(parsed("2026_hangzhou-qxj_budget"), "budget_three_public.units.total.budget")
    assert (hangzhou.expected, hangzhou.actual, hangzhou.status) == (24.02, 24.02, "pass")
    xian = parsed("2026_xian-xfj_budget")
    units = {c.name: (c.expected, c.actual, c.status) for c in xian.checks if ".units." in c.name}
    assert units["budget_three_public.units.total.budget"] == (10.1, 10.1, "pass")
    assert units["budget_three_public.units.training.prior_year_budget"] == (12.2, 12.2, "pass")
    assert all(status == "pass" for *_, status in units.values())
    changsha = _check(parsed("2026_changsha-xfj_budget"), "budget_three_public.units.total.budget")
    assert (changsha.expected, changsha.actual, changsha.status) == (8.0, 8.0, "pass")


def test_a_unit_that_does_not_add_up_is_a_failed_check(parsed):
    from gongkai.extract.budget_reconciliation import reconcile_budget

    report = parsed("2026_hangzhou-qxj_budget")
    three = report.table("budget_three_public")
    rows = [replace(r, cells=[replace(c, value=c.value + 1) if c.column == "budget" else c for c in r.cells])
            if r.level is not None and r.item == "total" and r.label == "杭州市气象局" else r for r in three.rows]
    broken = replace(report, tables=[replace(three, rows=rows) if t is three else t for t in report.tables])
    check = next(c for c in reconcile_budget(broken) if c.name == "budget_three_public.units.total.budget")
    assert (check.status, check.expected, check.actual, check.source.page) == ("fail", 24.02, 25.02, 21)


def test_a_stated_growth_percentage_that_does_not_follow_is_a_failed_check(parsed):
    """江苏检察院 2017 说明 p.22: 机关运行经费 6032.55 万元，比 2016 年增加 3401.59 万元，增长 129.97 % — the amounts give
    3401.59 / 2630.96 = 129.29 %: the source's own inconsistency, a failed check (and a review finding); 人大 2019
    p.17's 3.97 % follows from its amounts."""
    check = _check(parsed("2017_js-jcy_budget"), "narrative.recomputed.agency_operating_cost_budget_change_pct")
    assert (check.status, check.expected, check.actual, check.source.page) == ("fail", 129.2908, 129.97, 22)
    follows = _check(parsed("2019_js-rdcwhbgt_budget"), "narrative.recomputed.agency_operating_cost_budget_change_pct")
    assert (follows.status, follows.actual) == ("pass", 3.97)
