"""Budgets (部门预算): tables read from real budgets against hand-checked goldens, 元 → 万元, blanks NULL, identities.

Goldens (tests/data/budgets/*.golden) list every row with a printed cell as printed on the page; their headers name
the pages checked against page images and the source's own inconsistencies. A '# partial' golden checks only the tables
it lists (the others of that budget are not read right yet).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gongkai.extract.text import parse_amount, to_wan
from tests.conftest import SHARED_CORPUS

BUDGETS = SHARED_CORPUS / "budget"
GOLDENS = Path(__file__).parent / "data" / "budgets"

pytestmark = pytest.mark.skipif(not BUDGETS.is_dir(), reason="the real budgets (../shared/corpus/budget) are absent")


def _sections(path: Path) -> dict[str, list[str]]:
    """The lines of a golden file under each of its [headings] (heading as printed), comments and blanks left out."""
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line.startswith("["):
            current = sections.setdefault(line, [])
        else:
            current.append(line)
    return sections


def _golden(name: str) -> dict[str, list[str]]:
    return _sections(GOLDENS / f"{name}.golden")


def _rendered(report) -> dict[str, list[str]]:
    tables: dict[str, list[str]] = {}
    for table in report.tables:
        head = f"[{table.family} page={table.source.page} unit={table.unit}{' empty' if table.is_empty else ''}]"
        lines = tables.setdefault(head, [])
        for row in table.rows:
            cells = [f"{c.column}={c.original}" for c in row.cells if c.status != "blank"]
            if cells:
                key = row.code or row.item or row.label
                side = f"{row.side[:3]}.{row.category}" if row.side and row.category else (row.side or "")[:3]
                lines.append(" ".join([f"{side}:{key}" if side else key, *cells]))
    return tables


@pytest.fixture(scope="module")
def parsed(parse_budget):
    return parse_budget


@pytest.mark.parametrize("name", ["2024_shpt-wanlijd_budget", "2025_sh-czj_unit-budget", "2017_js-jcy_budget",
                                  "2018_js-jcy_budget", "2026_cq-qxj_budget", "2023_moe-swu_budget",
                                  "2026_changsha-xfj_budget", "2026_hangzhou-qxj_budget", "2026_gz-tjj_budget",
                                  "2026_sz-czj_budget", "2026_fuzhou-swj_budget", "2026_xian-xfj_budget",
                                  "2026_yantai-dsjj_budget"])
def test_budget_tables_match_golden(parsed, name):
    report = parsed(name)
    assert report.kind == "budget"
    golden, rendered = _golden(name), _rendered(report)
    if "# partial" in (GOLDENS / f"{name}.golden").read_text(encoding="utf-8"):
        rendered = {head: lines for head, lines in rendered.items() if head in golden}
    assert rendered == golden


def test_shanghai_district_identity_units_and_blanks(parsed):
    report = parsed("2024_shpt-wanlijd_budget")
    assert (report.department, report.fiscal_year) == ("上海市普陀区人民政府万里街道办事处", 2024)
    summary = report.table("budget_summary")
    grand = summary.row(item="grand_total", side="income")
    assert summary.unit == "元" and grand.cell("amount").original == "156,211,123"
    assert grand.value("amount") == 15621.1123  # 元 → 万元, not rounded to 0.01
    assert summary.row(item="government_fund_appropriation").value("amount") is None  # printed blank
    three = report.table("budget_three_public")
    assert three.unit == "万元" and three.row(item="total").value("budget") == 47.91
    assert three.row(item="agency_operating_cost").value("budget") == 443.18
    assert three.row(item="vehicle_purchase").value("budget") == 25
    assert grand.source.page == 10 and grand.source.line > 0


def test_every_value_is_its_printed_amount_in_wan(parsed):
    report = parsed("2024_shpt-wanlijd_budget")
    for table in report.tables:
        for row in table.rows:
            for cell in row.cells:
                if cell.status == "value":
                    assert cell.value == to_wan(parse_amount(cell.original), table.unit)


@pytest.mark.parametrize("name", ["2024_shpt-wanlijd_budget", "2025_sh-czj_unit-budget", "2026_cq-qxj_budget"])
def test_budget_identities_hold(parsed, name):
    checks = parsed(name).checks
    names = {c.name for c in checks}
    assert {"budget_summary.balanced", "cross.income_total", "cross.expenditure_total",
            "cross.appropriation_general_budget", "cross.general_basic"} <= names
    assert any(n.startswith("budget_general_expenditure.children.") for n in names)
    assert any(n.startswith("three_public.children.total") for n in names)
    assert [c.name for c in checks if c.status != "pass"] == []


def test_a_broken_identity_is_a_failed_check(parsed):
    from dataclasses import replace

    from gongkai.extract.budget_reconciliation import reconcile_budget

    report = parsed("2025_sh-czj_unit-budget")
    three = report.table("budget_three_public")
    total = three.row(item="total")
    cells = [replace(c, value=c.value + 1) if c.column == "budget" else c for c in total.cells]
    broken = replace(report, tables=[replace(three, rows=[replace(total, cells=cells), *three.rows[1:]])])
    failed = [c for c in reconcile_budget(broken) if c.status == "fail"]
    # the 合计 no longer sums its items, nor equals the 346.30 the narrative p.21 states
    assert [c.name for c in failed] == ["three_public.children.total.budget", "narrative.three_public_budget"]
    assert [c.difference for c in failed] == [pytest.approx(-1), pytest.approx(-1)]


def test_expenditure_by_source_of_funds_adds_up_per_row(parsed):
    """西安 2026 支出总表 p21 prints, per unit, its sources of funds instead of its uses: 合计 28,384,234.71 元 =
    一般公共预算拨款 小计 28,384,234.71; the 其中：专项资金 550,000.00 beside it is a part, not a source."""
    report = parsed("2026_xian-xfj_budget")
    table = report.table("budget_expenditure")
    total = table.row(item="total")
    assert {c.column: c.value for c in total.cells if c.status == "value"} == {
        "total": 2838.423471, "general_budget": 2838.423471}
    sources = {c.name: c for c in report.checks if c.name.startswith("budget_expenditure.sources.")}
    assert set(sources) == {"budget_expenditure.sources.total", "budget_expenditure.sources.121",
                            "budget_expenditure.sources.121001西安市信访局"}
    assert all(c.status == "pass" and c.expected == 2838.423471 for c in sources.values())
    assert not any(c.name.startswith("budget_expenditure.row_total.") for c in report.checks)  # sources ≠ uses


def test_income_sources_down_the_page_add_up(parsed):
    """江苏 2018 公开02表 p14 prints its sources down the page: 收入总计 21,955.35 = 一般公共预算资金 21,940.96 +
    其他资金 14.39 (its 其他收入); the other groups (政府性基金, 财政专户管理资金, 上年结转和结余资金) are blank."""
    report = parsed("2018_js-jcy_budget")
    [check] = [c for c in report.checks if c.name == "budget_income.sources"]
    assert (check.status, check.expected, check.actual) == ("pass", 21955.35, 21955.35)
    groups = [(r.label, r.value("total")) for r in report.table("budget_income").rows if r.level == 1]
    assert groups == [("一般公共预算资金", 21940.96), ("其他资金", 14.39)]


def test_a_source_inconsistency_is_kept_and_failed(parsed):
    """西南大学 2023 收入预算表 p8: 小学教育's 收入合计 is 0.50 short of its sources — kept as printed, check failed."""
    report = parsed("2023_moe-swu_budget")
    row = report.table("budget_income").row(code="2050202")
    assert row.value("total") == 9645.51 and row.value("public_service_revenue") == 0.5
    failed = {c.name: c for c in report.checks if c.status == "fail"}
    assert set(failed) == {"budget_income.row_total.2050202", "budget_income.children.20502.total"}
    assert failed["budget_income.row_total.2050202"].difference == pytest.approx(0.5)


def test_narrative_three_public_budget_and_change(parsed):
    """p32: '2024年“三公”经费预算数为47.91万元，比2023年预算增加25万元' → 47.91, +25 and last year's 22.91."""
    report = parsed("2024_shpt-wanlijd_budget")
    stated = report.fact("three_public_budget", basis="reported")
    assert (stated.value, stated.fiscal_year, stated.source.page) == (47.91, 2024, 32)
    assert report.fact("three_public_budget_change_amount").value == 25
    prior = report.fact("three_public_budget", basis="derived")
    assert (prior.value, prior.fiscal_year) == (22.91, 2023)
    check = next(c for c in report.checks if c.name == "narrative.three_public_budget")
    assert check.status == "pass" and check.expected == 47.91


@pytest.mark.parametrize("name", ["2026_changsha-xfj_budget", "2026_hangzhou-qxj_budget", "2026_gz-tjj_budget",
                                  "2026_sz-czj_budget", "2026_fuzhou-swj_budget", "2018_js-jcy_budget"])
def test_every_identity_of_a_clean_budget_holds(parsed, name):
    """Budgets whose pages add up: the summary balances by function class or by use, every function table adds up
    from 项 to 类 to 合计, the tables agree with each other — and no check fails."""
    checks = parsed(name).checks
    names = {c.name for c in checks}
    assert "budget_summary.balanced" in names and "cross.expenditure_total" in names
    assert {"budget_summary.expenditure_lines", "budget_summary.expenditure_uses"} & names
    assert [c.name for c in checks if c.status != "pass"] == []


def test_codes_printed_in_separate_columns_and_names_indented_without_codes(parsed):
    """长沙 p14: 款 '40' under 类 '201' is 20140; 杭州 p17: names without codes take their level from the indent."""
    changsha = parsed("2026_changsha-xfj_budget").table("budget_expenditure")
    assert [r.code for r in changsha.rows if r.code] == ["201", "20140", "2014001", "2014004"]
    assert changsha.row(code="20140").parent_code == "201"
    hangzhou = parsed("2026_hangzhou-qxj_budget").table("budget_expenditure")
    levels = {r.label: r.level for r in hangzhou.rows}
    assert (levels["科学技术支出"], levels["技术研究与开发"], levels["科技成果转化与扩散"]) == (1, 2, 3)
    summary = parsed("2026_hangzhou-qxj_budget").table("budget_summary")
    assert sum(r.value("amount") or 0 for r in summary.rows if r.side == "expenditure" and r.level == 1) == \
        pytest.approx(5876.67)


def test_three_public_by_year(parsed):
    """深圳 表9 p38: one row per year — 2026年 is the budget, 2025年 last year's; the 增减变化金额 row is not an item."""
    three = parsed("2026_sz-czj_budget").table("budget_three_public")
    total = three.row(item="total")
    assert (total.value("budget"), total.value("prior_year_budget")) == (58.46, 59.66)
    assert three.row(item="vehicle_operation").value("budget") == 7.40


def test_three_public_under_year_headings(parsed):
    """烟台 公开表7 p18: items across under 2025年预算数 | 2026年预算数 — the 2026 columns are the budget."""
    three = parsed("2026_yantai-dsjj_budget").table("budget_three_public")
    total = three.row(item="total")
    assert (total.value("budget"), total.value("prior_year_budget")) == (19.45, 20.45)
    assert three.row(item="reception").value("budget") == 4.45
    assert three.row(item="vehicle_purchase").cell("budget").status == "blank"


def test_a_title_at_the_foot_of_a_page_starts_its_table_on_the_next(parsed):
    """江苏人大 2017: 一般公共预算机关运行经费支出预算表 is the last line of p18, its header and rows on p19 — the table
    before it (基本支出, 合计 7,666.68) ends there and adds up."""
    report = parsed("2017_js-rdcwhbgt_budget")
    assert report.table("budget_agency_operating").row(item="total").value("amount") == 5619.31
    assert report.table("budget_general_basic").row(item="total").value("amount") == 7666.68
    assert [c.name for c in report.checks if c.status == "fail"] == []


def test_group_names_in_cells_merged_over_rows(parsed):
    """江苏人大 2017 公开02表 (p.9): 一般公共预算资金 is printed once, wrapped over two lines ('一般公共预' / '算资金'), in a
    cell merged over its 小计, 公共财政拨款(补助)资金 and 专项收入 rows; 收入总计 spans the group and item columns."""
    table = parsed("2017_js-rdcwhbgt_budget").table("budget_income")
    assert [(r.item, r.level, r.label, [c.value for c in r.cells]) for r in table.rows] == [
        ("total", None, "收入总计", [13649.07]),
        (None, 1, "一般公共预算资金", [13649.07]),
        (None, 2, "公共财政拨款(补助)资金", [13649.07]),
    ]


def test_a_tree_without_codes_or_indents_nests_by_its_amounts(parsed):
    """西安信访局 2026 表10 专项业务经费支出表 (p.29, in 元): unit 121 / 121001, 通用项目 / 专用项目, projects and their
    items, every name at one x; each parent is the sum of the rows right under it (page image)."""
    report = parsed("2026_xian-xfj_budget")
    table = report.table("budget_project_expenditure")
    assert table.unit == "元" and table.row(item="total").value("total") == 905.612  # 9,056,120.00 元
    assert [(r.level, r.label, r.value("total")) for r in table.rows if r.level in (1, 2, 3, 4)] == [
        (1, "西安市信访局", 905.612), (2, "121001西安市信访局", 905.612),
        (3, "通用项目", 279.73), (4, "办公用房物业管理服务项目", 220.73), (4, "委托咨询业务", 59.0),
        (3, "专用项目", 625.882), (4, "接待中心事务", 154.382), (4, "信访事务", 471.5)]
    assert [r.label for r in table.rows if r.level == 5][:3] == ["食堂包厨服务", "物业管理服务", "法律顾问服务"]
    # The tables add up; the one failure is the source's: 食堂包厨服务 is 1,310,300.00 元 here but 173.41 万元 in its
    # target table (表14, p.40) — both page images.
    assert [c.name for c in report.checks if c.status == "fail"] == ["targets.project_amount.食堂包厨服务"]


def test_three_public_of_two_years_with_meeting_and_training(parsed):
    """西安 表13 (p.32, in 元): 上年 | 当年 | 增减变化情况, each with 合计, 三公 小计 and its items, 会议费, 培训费. The
    change columns are no budget; each year's 合计 (with 会议费 and 培训费) is the grand total, its 小计 the 三公 total."""
    three = parsed("2026_xian-xfj_budget").table("budget_three_public")
    values = {r.item: (r.value("budget"), r.value("prior_year_budget")) for r in three.rows}
    assert values == {"grand_total": (32.08, 24.2), "total": (10.1, 12.0), "overseas_travel": (None, None),
                      "reception": (1.0, 2.0), "vehicle_total": (9.1, 10.0), "vehicle_purchase": (None, None),
                      "vehicle_operation": (9.1, 10.0), "meeting": (None, None), "training": (21.98, 12.2)}


def test_three_public_rows_of_each_unit_under_the_total(parsed):
    """西安 表13 (p.32, in 元, page render): 合计, then 121 西安市信访局 (the department) and 121001 西安市信访局 (its one
    unit), each with the same amounts; 杭州气象局 表7 (p.21): 合计 24.02 = 杭州市气象局 13.13 + 杭州市气象服务中心
    （杭州市预警信息发布中心） 10.89 (its name wrapped). The 合计 stays the report's total; each unit's rows follow."""
    three = parsed("2026_xian-xfj_budget").table("budget_three_public")
    report_rows = [r for r in three.rows if r.level is None]
    assert [r.item for r in report_rows][:2] == ["grand_total", "total"] and report_rows[1].value("budget") == 10.1
    units = {(r.label, r.item): (r.value("budget"), r.value("prior_year_budget"), r.source.page)
             for r in three.rows if r.level is not None}
    assert units[("121 西安市信访局", "total")] == (10.1, 12.0, 32)
    assert units[("121001 西安市信访局", "grand_total")] == (32.08, 24.2, 32)
    assert units[("121001 西安市信访局", "training")] == (21.98, 12.2, 32)
    assert units[("121001 西安市信访局", "overseas_travel")] == (None, None, 32)  # blank on the page
    assert len(units) == 18
    hangzhou = parsed("2026_hangzhou-qxj_budget").table("budget_three_public")
    assert hangzhou.row(item="total").value("budget") == 24.02
    assert [(r.label, r.value("budget")) for r in hangzhou.rows if r.level is not None and r.item == "total"] == [
        ("杭州市气象局", 13.13), ("杭州市气象服务中心（杭州市预警信息发布中心）", 10.89)]
    assert [(r.label, r.value("budget")) for r in hangzhou.rows if r.level is not None and r.item == "reception"] == [
        ("杭州市气象局", 5.93), ("杭州市气象服务中心（杭州市预警信息发布中心）", 0.09)]


def test_rows_broken_by_the_page_in_a_three_panel_summary(parsed):
    """江苏人大 2017 收支预算总表 (pp.7–9, page images): '八、社会保障和就' (1,608.51) ends as '业支出' on p.8 and
    '当年收入' (13,649.07) as '小计' on p.9 — no header repeated; p.9's 结转下年资金 and 支出合计 cells span the
    function and use panels. Every identity of the budget runs."""
    report = parsed("2017_js-rdcwhbgt_budget")
    rows = {(r.side, r.label): (r.value("amount"), r.source.page) for r in report.table("budget_summary").rows}
    assert rows[("expenditure", "八、社会保障和就业支出")] == (1608.51, 7)
    assert rows[("expenditure", "十八、住房保障支出")] == (1512.23, 8)
    assert rows[("income", "当年收入小计")] == (13649.07, 8)
    assert report.table("budget_summary").row(item="income_total", side="income").label == "当年收入小计"
    assert rows[("income", "收入合计")] == rows[("expenditure", "支出合计")] == (13649.07, 9)
    assert [c.name for c in report.checks if c.status != "pass"] == []


def _panel_golden(name: str) -> dict[str, list[str]]:
    return {heading.strip("[]"): lines for heading, lines in _sections(GOLDENS / f"{name}.panels.golden").items()}


def test_summary_of_four_side_by_side_panels(parsed):
    """西安 表1 p.19 prints 收入 and, under 支出, the same spending by function class, by department economic class and
    by government economic class: four (label, 预算数) panels side by side. Each panel's rows are its own, in printed
    order, every label and amount as on the page image, blanks NULL; each expenditure panel keeps the
    classification its heading names, and each adds up to the 本年支出合计 on its own."""
    report = parsed("2026_xian-xfj_budget")
    table = report.table("budget_summary")
    assert table.source.page == 19 and table.unit == "元"
    panels: dict[str, list[str]] = {}
    for row in table.rows:
        label = "项目" if row.side == "income" else row.category
        cell = row.cell("amount")
        panels.setdefault(f"{row.side} {label}", []).append(
            f"{row.label} | {cell.original if cell.status != 'blank' else 'NULL'}")
    assert panels == _panel_golden("2026_xian-xfj_budget")
    assert {c.value for r in table.rows for c in r.cells if c.original == "28,384,234.71"} == {2838.423471}
    checks = {c.name: c.status for c in report.checks if c.name.startswith("budget_summary.")}
    assert checks == {"budget_summary.balanced": "pass", "budget_summary.income_lines": "pass",
                      "budget_summary.expenditure_lines.function": "pass",
                      "budget_summary.expenditure_lines.department_economic": "pass",
                      "budget_summary.expenditure_lines.government_economic": "pass"}


def test_project_table_rows_are_projects_under_units(parsed):
    """广州 表12 p21–22 (checked on the page render): 合计 1,082.05 = 广州市统计局 1,075.05 (nine projects, 机构运行辅助经费
    86.37 … 广州市统计局2026年信息化运维项目 12.12) + 广州市统计监测中心 7.00 (one project, 其他运行经费 7.00), the projects
    indented under their units. 杭州 表10 p24: three projects, each printed after its unit."""
    table = parsed("2026_gz-tjj_budget").table("budget_project_expenditure")
    marked = [(r.level, r.category, r.value("total")) for r in table.rows if r.item != "total"]
    assert marked[0] == (1, "group", 1075.05) and marked[10] == (1, "group", 7.0)
    assert marked[1] == (2, "project", 86.37) and marked[11] == (2, "project", 7.0)
    assert [m[:2] for m in marked[1:10]] == [(2, "project")] * 9
    assert sum(m[2] for m in marked if m[1] == "project") == pytest.approx(1082.05)
    hangzhou = parsed("2026_hangzhou-qxj_budget").table("budget_project_expenditure")
    assert [(r.level, r.category) for r in hangzhou.rows if r.item != "total"] == [(1, "project")] * 3


def test_project_rows_are_groups_where_a_deeper_row_follows():
    """The reader's levels make the tree: a row with a deeper row right under it is a group; a table read without
    levels (杭州, 烟台: one project a row) is a list of projects at level 1."""
    from gongkai.extract.budget_projects import mark_projects
    from gongkai.extract.records import Cell, Source, Table, TableRow

    def marked(levels):
        source = Source("f.pdf", 1, 1)
        rows = [TableRow(i, f"r{i}", [Cell("total", 1.0, "1.00", "value")], source, level=level)
                for i, level in enumerate(levels)]
        table = Table("budget_project_expenditure", "项目支出预算表", None, "万元", ("total",), rows, source)
        mark_projects(table)
        return [(r.level, r.category) for r in table.rows]

    assert marked([None, None]) == [(1, "project")] * 2
    assert marked([1, 2, 3, 3, 2, 1]) == [(1, "group"), (2, "group"), (3, "project"), (3, "project"), (2, "project"),
                                          (1, "project")]
