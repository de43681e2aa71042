"""The real corpus publishes (issue 13): a folder holding every report of ../shared/corpus builds a warehouse where
each department-year-kind appears once. The three budgets that used to block it are read here once each:

- 2017_js-rdcwhbgt_budget.pdf p.11 carries the rest of its spreadsheet as text ~1,800 points below the page's bottom
  edge (invisible; 财政拨款基本支出预算表 is printed again, visibly, on pp.12–15): text off the page box is not read.
- 2026_fuzhou-swj_budget.pdf p.20 prints 一般公共预算支出经济分类情况表 (合计 23195.94, 基本 and 项目 together) and
  p.21 一般公共预算基本支出经济分类情况表 (合计 3861.25): two families, not two basic tables.
- 2026_cq-qxj_budget.pdf pp.14–15 subdivide 款 30102 into 3010201 规范性津补贴 (总 计 4887.41) — a well-formed code.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter

import duckdb
import pytest

from gongkai.quality.suites import ECONOMIC_CODE_RE
from tests.conftest import SHARED_CORPUS

BUDGETS = SHARED_CORPUS / "budget"
pytestmark = pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason="the real corpus (../shared/corpus) is not here")


@pytest.fixture(scope="module")
def rdcwhbgt(parse_budget):
    return parse_budget("2017_js-rdcwhbgt_budget")


@pytest.fixture(scope="module")
def fuzhou(parse_budget):
    return parse_budget("2026_fuzhou-swj_budget")


@pytest.fixture(scope="module")
def shenzhen(parse_budget):
    return parse_budget("2026_sz-czj_budget")


@pytest.fixture(scope="module")
def cq(parse_budget):
    return parse_budget("2026_cq-qxj_budget")


def _keys_unique(report) -> None:
    keys = Counter((t.family, r.index, c.column) for t in report.tables for r in t.rows for c in r.cells)
    assert [k for k, n in keys.items() if n > 1] == []


def test_text_off_the_page_is_not_a_second_table(rdcwhbgt):
    families = Counter(t.family for t in rdcwhbgt.tables)
    assert families["budget_appropriation_basic"] == 1
    table = next(t for t in rdcwhbgt.tables if t.family == "budget_appropriation_basic")
    assert table.source.page == 12  # its title at the foot of p.12, its rows on pp.13–15; never p.11's hidden copy
    total = table.rows[0]
    assert total.label == "合计" and [(c.column, c.value) for c in total.cells] == [("amount", 7666.68)]
    assert {c.source.page for r in table.rows for c in r.cells} == {13, 14, 15}
    _keys_unique(rdcwhbgt)


def test_economic_class_of_all_expenditure_is_not_the_basic_table(fuzhou):
    by_family = {t.family: t for t in fuzhou.tables}
    assert Counter(t.family for t in fuzhou.tables)["budget_general_basic"] == 1
    economic, basic = by_family["budget_general_economic"], by_family["budget_general_basic"]
    assert (economic.source.page, economic.rows[0].cells[0].value) == (20, 23195.94)
    assert (basic.source.page, basic.rows[0].cells[0].value) == (21, 3861.25)
    assert [r.code for r in economic.rows[1:]] == ["301", "302", "303", "307", "309", "310", "311", "312", "313", "399"]
    _keys_unique(fuzhou)


def test_seven_digit_economic_codes_are_well_formed(cq):
    basic = next(t for t in cq.tables if t.family == "budget_general_basic")
    amounts = {r.code: c.value for r in basic.rows for c in r.cells if c.column == "amount"}  # 总 计
    assert amounts["3010201"] == 4887.41
    seven = [code for code in amounts if code and len(code) == 7]
    assert seven and all(re.match(ECONOMIC_CODE_RE, code) and code[:5] in amounts for code in seven)
    assert not re.match(ECONOMIC_CODE_RE, "30102011") and not re.match(ECONOMIC_CODE_RE, "3010")


def test_a_title_repeated_on_each_page_is_one_table(shenzhen):
    """pp.31–33 each print 表 7 一般公共预算支出表（按功能分类）: one table, first row 37,385.88 = 11,024.31 + 26,361.57;
    pp.34–37 each print 表 8 一般公共预算支出表（按经济分类） (checked on the page renders): the economic table, 301
    工资福利支出 8,490.42 all basic."""
    tables = [t for t in shenzhen.tables if t.family == "budget_general_expenditure"]
    assert len(tables) == 1 and tables[0].source.page == 31
    first = {c.column: c.value for c in tables[0].rows[0].cells}
    assert first == {"total": 37385.88, "basic": 11024.31, "project": 26361.57}
    assert {r.source.page for r in tables[0].rows} == set(range(31, 34))
    [economic] = [t for t in shenzhen.tables if t.family == "budget_general_economic"]
    assert {r.source.page for r in economic.rows} == set(range(34, 38))
    assert {c.column: c.value for c in economic.row(code="301").cells} == {
        "amount": 8490.42, "basic": 8490.42, "project": 0.0}
    assert [i for i in shenzhen.issues if i.kind == "table_repeated"]
    _keys_unique(shenzhen)


@pytest.mark.slow
def test_whole_corpus_publishes_each_department_year_kind_once(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in sorted(SHARED_CORPUS.glob("*/*")):
        if path.suffix in (".pdf", ".txt") and path.parent.name in ("seed", "final", "budget"):
            shutil.copy(path, raw / path.name)
    warehouse = tmp_path / "wh.duckdb"
    run = subprocess.run([sys.executable, "-m", "gongkai.cli", "run", "--raw", str(raw), "--warehouse",
                          str(warehouse)], capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert f"reports: loaded {len(list(raw.iterdir()))}, failed 0" in run.stdout
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        preferred = con.execute(
            "select department, year, kind from marts.dim_report_version where is_preferred").fetchall()
        assert len(preferred) == len(set(preferred)) >= 20
        for mart in ("fct_report_summary", "fct_budget_summary"):
            rows, reports = con.execute(f"select count(*), count(distinct report_id) from marts.{mart}").fetchone()
            assert rows == reports > 0, mart
        _budget_beside_final(con)
        _narrative_and_tables_files_are_one_report(con)
        _finals_under_their_department_and_year(con)
        _budget_tables_beyond_the_set(con)
        _budget_against_last_years_budget(con)
        _budget_by_source_of_funds(con)
    finally:
        con.close()


def _finals_under_their_department_and_year(con) -> None:
    """Every real final is held once, as the preferred version, under the department and fiscal year of its title
    page, with its tables' figures in the marts (the 本年支出合计 each prints in its 收入支出决算总表)."""
    finals = con.execute(
        "select v.path, v.department, v.year, s.expenditure_total from marts.dim_report_version as v "
        "join marts.fct_report_summary as s using (report_id) where v.kind = 'final' and v.is_preferred "
        "order by v.path").fetchall()
    assert [(path, department, year) for path, department, year, _ in finals] == [
        ("000_c669139aa1fe8f20.txt", "辽宁省数据局", 2024),
        ("2019_foshan-gdjtj_final.pdf", "佛山市轨道交通局", 2019),
        ("2022_xian-wjw_final.pdf", "西安市卫生健康委员会", 2022),
        ("2023_moe-swu_final.pdf", "西南大学", 2023),
        ("2024_shpt-czj_final.pdf", "上海市普陀区财政局", 2024)]
    assert all(total for *_, total in finals)


def _narrative_and_tables_files_are_one_report(con) -> None:
    """江苏省人大常委会办公厅 2019 publishes its narrative (2019_js-rdcwhbgt_budget.pdf, no table) and its 12 tables
    (…_budget-tables.pdf, no narrative) as two files: one report, the tables' file, whose narrative facts come from
    the other file with their own page — p.17 '本部门共有车辆54辆', '共0个项目实行绩效目标管理'. 2018 is one file."""
    versions = con.execute(
        "select path, is_preferred, versions_in_year, preference_reason, part_of_report_id = preferred_report_id "
        "from marts.dim_report_version where department = '江苏省人大常委会办公厅' and year in (2018, 2019) "
        "order by year, version_rank").fetchall()
    assert versions == [("2018_js-rdcwhbgt_budget.pdf", True, 1, "only_version", None),
                        ("2019_js-rdcwhbgt_budget-tables.pdf", True, 1, "only_version", None),
                        ("2019_js-rdcwhbgt_budget.pdf", False, 1, "narrative_part", True)]
    assert con.execute(
        "select path, vehicles_total, performance_target_projects_count, procurement_budget, three_public_budget "
        "from marts.fct_budget_summary where department = '江苏省人大常委会办公厅' and year = 2019").fetchall() == [
        ("2019_js-rdcwhbgt_budget-tables.pdf", 54, 0, 2416.43, 767.6)]
    assert con.execute(
        "select file, page from intermediate.int_report_narrative_facts as n "
        "join marts.dim_report_version as v on v.report_id = n.report_id "
        "where v.path = '2019_js-rdcwhbgt_budget-tables.pdf' and n.fact_key = 'vehicles_total'").fetchall() == [
        ("2019_js-rdcwhbgt_budget.pdf", 17)]
    # p.17 '机关运行经费预算支出1642.08万元', '政府采购支出预算总额2416.43万元' against the tables' figures
    assert con.execute(
        "select c.check_name, c.expected, c.actual, c.status, c.file, c.page from quality.reconciliation as c "
        "join marts.dim_report_version as v using (report_id) "
        "where v.path = '2019_js-rdcwhbgt_budget-tables.pdf' and c.category = 'narrative' order by 1").fetchall() == [
        ("narrative.agency_operating_cost_budget", 1642.08, 1642.08, "pass", "2019_js-rdcwhbgt_budget.pdf", 17),
        ("narrative.procurement_budget", 2416.43, 2416.43, "pass", "2019_js-rdcwhbgt_budget.pdf", 17)]


def _budget_beside_final(con) -> None:
    """Budget against final on the corpus, figures read from the pages: 西南大学 2023 budget p.7 本年支出合计 468,779.07
    against its final's 457,676.75; 上海市普陀区财政局's 2024 final (no budget loaded) p.22 '行政运行（项）… 年初预算为
    1560.05 万元，支出决算为1511.89万元'; 深圳市财政局 2026 (a budget only) p.12 机关运行经费 2,719.55 and p.9 政府采购
    3,790.75, ranked among the budgets."""
    assert con.execute(
        "select budget, final, basis from marts.fct_budget_vs_final where department = '西南大学' and year = 2023 "
        "and scope = 'all_funds' and line = 'expenditure_total'").fetchall() == [(468779.07, 457676.75, 'budget_report')]
    assert con.execute(
        "select function_name, budget, final, execution_pct from marts.fct_budget_vs_final "
        "where department = '上海市普陀区财政局' and year = 2024 and line = '2010601'").fetchall() == [
        ('行政运行', 1560.05, 1511.89, 96.91)]
    # the Liaoning seed p.5 states no 年初预算 for 行政运行（项）, only 1744.54 万元 and 完成年初预算的 131.33%
    assert con.execute(
        "select budget, final, basis from marts.fct_budget_vs_final "
        "where department = '辽宁省数据局' and year = 2024 and line = '2010301'").fetchall() == [
        (1328.36, 1744.54, 'final_report_completion_pct')]
    assert con.execute(
        "select basis, agency_operating_cost_budget, procurement_budget from marts.fct_department_year "
        "where department = '深圳市财政局' and year = 2026").fetchall() == [('budget', 2719.55, 3790.75)]
    assert con.execute(
        "select performance_target_projects_count, performance_target_funds, performance_target_coverage_pct, "
        "vehicles_total from marts.fct_budget_summary where department = '深圳市财政局' and year = 2026"
    ).fetchall() == [(8, 26361.57, 100.0, 3)]  # pp.10–11: 所有项目支出预算 … 26,361.57 万元 … 8 个项目绩效目标; 车辆 3 辆
    [(ranked,)] = con.execute(
        "select count(*) from marts.fct_department_year_rank where metric = 'procurement_budget'").fetchall()
    assert ranked >= 10


def _budget_tables_beyond_the_set(con) -> None:
    """The budget tables outside the national set, figures read from the page renders: 广州 表12 p.21–22 projects under
    their units (合计 1,082.05), 表7 p.16 一般公共预算项目支出 by economic class, 表8 p.17 行政经费 839.21; 西安 表10 p.29
    专项业务经费 (9,056,120.00 元: unit, 通用项目 / 专用项目, projects and sub-projects) and 表7 p.26 基本支出 by function
    (行政运行 13,733,180.94 = 人员 12,653,513.74 + 公用 1,079,667.20 元); 重庆 表二 p.7 收入 合计 by source; 杭州 表2
    p.16 收入 by unit."""
    def rows(sql):
        return con.execute(sql).fetchall()

    assert rows("select count(*), sum(total) from marts.fct_budget_project where department = '广州市统计局' "
                "and is_project") == [(10, pytest.approx(1082.05))]
    assert rows("select level, is_project, group_name, total from marts.fct_budget_project "
                "where department = '广州市统计局' and name in ('广州市统计局', '其他运行经费') order by row_index") == [
        (1, False, None, 1075.05), (2, True, '广州市统计监测中心（广州市统计发展中心）', 7.0)]
    assert rows("select name, level, group_name, total from marts.fct_budget_project "
                "where department = '西安市信访局' and name = '法律顾问服务'") == [('法律顾问服务', 5, '委托咨询业务', 9.0)]
    assert rows("select sum(total) from marts.fct_budget_project where department = '西安市信访局' and is_project") \
        == [(pytest.approx(905.612),)]
    assert rows("select economic_code, amount from marts.fct_budget_by_economic_class where department = '广州市统计局' "
                "and scope = 'general_project' and economic_code in ('302', '30216') order by 1") == [
        ('302', 1032.05), ('30216', 84.0)]
    assert rows("select item, budget from marts.fct_budget_three_public where department = '广州市统计局' "
                "and item = 'administrative_cost'") == [('administrative_cost', 839.21)]
    # 杭州 表7 p.21 (page text): 合计 24.02 = 杭州市气象局 13.13 + 杭州市气象服务中心（杭州市预警信息发布中心） 10.89
    assert rows("select unit, budget, page from marts.fct_budget_three_public where department = '杭州市气象局' "
                "and item = 'total' order by unit nulls first") == [
        (None, 24.02, 21), ('杭州市气象局', 13.13, 21), ('杭州市气象服务中心（杭州市预警信息发布中心）', 10.89, 21)]
    assert rows("select total, personnel, public, table_unit from marts.fct_budget_by_function "
                "where department = '西安市信访局' and scope = 'general_basic' and function_code = '2014001'") == [
        (pytest.approx(1373.318094), pytest.approx(1265.351374), pytest.approx(107.96672), '元')]
    assert dict(rows("select source, amount from marts.fct_budget_income_by_line where department = '重庆市气象局' "
                     "and line_kind = 'total'")) == {'general_budget': 12672.73, 'government_fund': 579.89,
                                                     'public_service_revenue': 388.0, 'other_revenue': 1130.0}
    # 政府采购 (page renders): 西安 表12 p.31 six services under 2014004, 数量 1 each, 3,786,500.00 元 in all; 重庆 表九
    # p.18 A 货物 47.00 (事业收入) and C 服务 900.00 (其他收入); each table's 合计 is the budget's procurement_budget
    assert rows("select count(*), sum(quantity), sum(total) from marts.fct_budget_procurement "
                "where department = '西安市信访局' and function_code = '2014004' and level = 3") == [
        (6, 6.0, pytest.approx(378.65))]
    assert rows("select name, procurement_kind, is_category, total, public_service_revenue, other_revenue "
                "from marts.fct_budget_procurement where department = '重庆市气象局' order by row_index") == [
        ('A货物', 'goods', True, 47.0, 47.0, None), ('C服务', 'services', True, 900.0, None, 900.0)]
    assert rows("select department, procurement_budget from marts.fct_budget_summary "
                "where procurement_budget_source = 'table' and department in ('西安市信访局', '重庆市气象局', "
                "'烟台市大数据局') order by 1") == [
        ('烟台市大数据局', 5931.4), ('西安市信访局', 378.65), ('重庆市气象局', 947.0)]
    # 杭州 表2 p.16 (page render): the department over its two units, 一般公共预算 and 其他收入 of each
    assert rows("select line_name, level, amount from marts.fct_budget_income_by_line where department = '杭州市气象局' "
                "and line_kind = 'unit' and source = 'general_budget' order by row_index") == [
        ('杭州市气象局', 1, 5753.07), ('杭州市气象局', 2, 4916.13), ('杭州市气象服务中心（杭州市预警信息发布中心）', 2, 836.93)]
    # 西安 表14 p.40 (page render): 食堂包厨服务 173.41 万元, 7 indicators; its row in 表10 (p.29) is 1,310,300.00 元
    assert rows("select amount_total, indicator_count, page from marts.fct_budget_performance_target_table "
                "where department = '西安市信访局' and target_name = '食堂包厨服务'") == [(173.41, 7, 40)]
    assert rows("select level1, level2, comparator, target_value, target_unit, weight from "
                "marts.fct_budget_performance_target where department = '西安市信访局' "
                "and level3 = '中心工作人员满意率'") == [('满意度指标', '服务对象满意度指标', '>=', 90.0, '%', 10.0)]
    assert rows("select expected, actual, page from quality.report_check_failures where department = '西安市信访局' "
                "and check_name = 'targets.project_amount.食堂包厨服务'") == [(131.03, 173.41, 40)]
    # 西安 表15 p.42 (page render): the 部门整体 table's six 年度主要任务 add up to its 金额合计 2,838.42
    assert rows("select task_name, amount_total, amount_fiscal, amount_other from "
                "marts.fct_budget_performance_target_task where department = '西安市信访局' order by task_index") == [
        ('保运转', 1932.81, 1932.81, None), ('信访业务统筹实施', 66.38, 66.38, None),
        ('信访矛盾多元化解', 121.24, 121.24, None), ('驻京信访工作开展', 256.0, 256.0, None),
        ('信访运转服务保障', 358.49, 358.49, None), ('代管事务经办', 103.5, 103.5, None)]
    # 杭州 表11 p.25: three projects and their goals, no indicators, 2,131.61 as its 说明 states (p.10); 西南大学's 22
    # forms each print 分值（90）
    assert rows("select count(*), sum(amount_total), sum(indicator_count) from marts.fct_budget_performance_target_table "
                "where department = '杭州市气象局'") == [(3, pytest.approx(2131.61), 0)]
    assert rows("select count(*), count(*) filter (where weight_total = 90) from "
                "marts.fct_budget_performance_target_table where department = '西南大学'") == [(22, 22)]


def _budget_by_source_of_funds(con) -> None:
    """Income by source for every budget, the counted sources adding up to the printed total — 北京 2026, whose
    tables are published in a file of their own, from its narrative p.6 (收入预算 32852.05 = 一般公共预算拨款收入
    32365.09 + 其他收入 15 + 上年结转结余 471.96, the other seven sources 0); from page renders: 江苏省人民检察院 2018 公开02表 p.14 prints its sources
    down the page (一般公共预算资金 21,940.96, 其他资金 14.39, 收入总计 21,955.35); 深圳 2026 表2 p.19 one unit row
    (一般公共预算拨款 36,989.05, 上年结余、结转 396.83, 收入总计 37,385.88, the rest 0.00); 西安 2026 表3 支出总表 p.21
    by unit, 一般公共预算拨款 28,384,234.71 元 of 合计 28,384,234.71, every other source blank."""
    def rows(sql, *args):
        return con.execute(sql, list(args)).fetchall()
    assert rows("select distinct department from marts.fct_budget_summary where report_id not in "
                "(select report_id from marts.fct_budget_income_by_source)") == []
    assert rows("select source, amount, income_total, page from marts.fct_budget_income_by_source "
                "where department = '北京市审计局' and basis = 'narrative' and amount <> 0 order by source") == [
        ("carryover_begin", 471.96, 32852.05, 6), ("general_budget", 32365.09, 32852.05, 6),
        ("other_revenue", 15.0, 32852.05, 6)]
    assert rows("select department, year from marts.fct_budget_income_by_source group by all "
                "having abs(any_value(income_total) - sum(amount) filter (where counted_in_total)) > 0.05") == []
    assert rows("select source, amount, basis, income_total, page from marts.fct_budget_income_by_source "
                "where department = '江苏省人民检察院' and year = 2018 order by source") == [
        ("general_budget", 21940.96, "income_table_lines", 21955.35, 14),
        ("other_revenue", 14.39, "income_table_lines", 21955.35, 14)]
    assert rows("select source, amount, basis, income_total, page from marts.fct_budget_income_by_source "
                "where department = '深圳市财政局' and amount <> 0 order by source") == [
        ("carryover_begin", 396.83, "income_table", 37385.88, 19),
        ("general_budget", 36989.05, "income_table", 37385.88, 19)]
    xian = rows("select line_kind, line_name, source, amount, line_total, page from marts.fct_budget_expenditure_by_source "
                "where department = '西安市信访局' and scope = 'all_funds' order by row_index, source")
    assert [r for r in xian if r[3] is not None] == [
        ("total", "合计", "general_budget", pytest.approx(2838.423471), pytest.approx(2838.423471), 21),
        ("line", "西安市信访局", "general_budget", pytest.approx(2838.423471), pytest.approx(2838.423471), 21),
        ("line", "121001西安市信访局", "general_budget", pytest.approx(2838.423471), pytest.approx(2838.423471), 21)]
    assert {r[2] for r in xian if r[3] is None} == {"government_fund", "public_service_revenue", "business_revenue",
                                                     "affiliated_remittance", "other_revenue", "carryover_begin"}


def _budget_against_last_years_budget(con) -> None:
    """Budget against last year's budget: 江苏省人民检察院 2017–2019 loaded as a series — 机关运行经费 2,391.92 (2019 p.21)
    against 2,722.57 (2018 p.20), as 2019's 说明 p.31 states ('与上年相比减少 330.65 万元，减少 12.14%'); 三公 合计
    484.30 (2018 p.19) against 584.35 (2017 p.16). Where last year's budget is not loaded, the figure the budget prints:
    万里街道 2024 p.32 '47.91万元，比2023年预算增加25万元'; 深圳 2026 表9 p.38 2025年 59.66."""
    def change(department, year, scope, line):
        return con.execute(
            "select budget, prior_year_budget, change_amount, change_pct, stated_prior_year_budget, stated_difference, "
            "basis from marts.fct_budget_change where department = ? and year = ? and scope = ? and line = ?",
            [department, year, scope, line]).fetchall()

    assert change('江苏省人民检察院', 2019, 'summary', 'agency_operating_cost_budget') == [
        (2391.92, 2722.57, pytest.approx(-330.65), -12.14, 2722.57, 0.0, 'budget_reports')]
    assert change('江苏省人民检察院', 2018, 'three_public', 'total') == [
        (484.3, 584.35, pytest.approx(-100.05), -17.12, None, None, 'budget_reports')]
    assert change('上海市普陀区人民政府万里街道办事处', 2024, 'three_public', 'total') == [
        (47.91, pytest.approx(22.91), pytest.approx(25.0), 109.12, pytest.approx(22.91), None, 'stated_in_budget')]
    assert change('深圳市财政局', 2026, 'three_public', 'total') == [
        (58.46, 59.66, pytest.approx(-1.2), -2.01, 59.66, None, 'stated_in_budget')]
    [(years,)] = con.execute("select count(distinct year) from marts.fct_budget_change "
                             "where department = '江苏省人民检察院' and basis = 'budget_reports'").fetchall()
    assert years == 2  # 2018 against 2017, 2019 against 2018


@pytest.fixture(scope="module")
def jiangsu_pair(tmp_path_factory):
    """A warehouse of 江苏省人大常委会办公厅 2019 alone: its narrative and its tables, published as two files."""
    tmp = tmp_path_factory.mktemp("pair")
    raw = tmp / "raw"
    raw.mkdir()
    for name in ("2019_js-rdcwhbgt_budget.pdf", "2019_js-rdcwhbgt_budget-tables.pdf"):
        if not (BUDGETS / name).is_file():
            pytest.skip(f"{name} is not in the corpus")
        shutil.copy(BUDGETS / name, raw / name)
    warehouse = tmp / "wh.duckdb"
    run = subprocess.run([sys.executable, "-m", "gongkai.cli", "run", "--raw", str(raw), "--warehouse",
                          str(warehouse)], capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    con = duckdb.connect(str(warehouse), read_only=True)
    yield con
    con.close()


def test_narrative_published_apart_counts_and_reviews_under_its_report(jiangsu_pair):
    """The narrative file's checks against the tables (p.17 机关运行经费 1642.08, 政府采购 2416.43: both pass) count in
    fct_budget_summary beside the tables file's own, as in quality.reconciliation; its review findings show under the
    report, each with the narrative file's own page and line, numbered after the tables file's."""
    con = jiangsu_pair
    tables, narrative = "2019_js-rdcwhbgt_budget-tables.pdf", "2019_js-rdcwhbgt_budget.pdf"
    [(report,)] = con.execute("select report_id from marts.dim_report_version where path = ?", [tables]).fetchall()
    [(part,)] = con.execute("select report_id from marts.dim_report_version where path = ?", [narrative]).fetchall()
    counts = con.execute("select checks_passed, checks_failed, checks_not_run from marts.fct_budget_summary "
                         "where report_id = ?", [report]).fetchall()
    reconciled = con.execute(
        "select count(*) filter (where status = 'pass'), count(*) filter (where status = 'fail'), "
        "count(*) filter (where status = 'not_run') from quality.reconciliation where report_id = ?", [report]).fetchall()
    assert counts == reconciled
    narrative_checks = con.execute("select status, count(*) from quality.reconciliation where report_id = ? "
                                   "and file = ? group by 1", [report, narrative]).fetchall()
    assert narrative_checks == [("pass", 2)]
    own = con.execute("select count(*) from staging.stg_reconciliation_checks where report_id = ?",
                      [report]).fetchone()[0]
    assert sum(counts[0]) == own + 2
    by_file = con.execute(
        "select file, rule, page, line from marts.fct_review_finding where report_id = ? order by finding_index",
        [report]).fetchall()
    printed = con.execute("select file, rule, page, line from staging.stg_review_findings where report_id = ? "
                          "order by finding_index", [part]).fetchall()
    assert printed and by_file[-len(printed):] == printed
    assert {f for f, *_ in by_file[:-len(printed)]} <= {tables}
    assert not con.execute("select count(*) from marts.fct_review_finding where report_id = ?", [part]).fetchone()[0]


def test_procurement_table_in_its_mart_and_the_summary(jiangsu_pair):
    """公开表十二 2019年政府采购预算表 (p.12, page render): 合计 2,416.43 = 一、货物A 233.10 + 三、服务C 2,183.33, the items
    under each category (家具用具 分散自行组织 18.40 a good); the 合计 is the budget's procurement_budget (basis 'table'),
    which the narrative file's 政府采购支出预算总额 2416.43 (p.17) agrees with."""
    con = jiangsu_pair
    where = "where path = '2019_js-rdcwhbgt_budget-tables.pdf'"
    [(report,)] = con.execute(f"select report_id from marts.dim_report_version {where}").fetchall()
    assert con.execute("select name, procurement_kind, total, page from marts.fct_budget_procurement "
                       "where report_id = ? and is_category order by row_index", [report]).fetchall() == [
        ("一、货物A", "goods", 233.1, 12), ("三、服务C", "services", 2183.33, 12)]
    assert con.execute("select procurement_kind, total from marts.fct_budget_procurement "
                       "where report_id = ? and name = '家具用具 分散自行组织'", [report]).fetchall() == [("goods", 18.4)]
    assert con.execute(f"select procurement_budget, procurement_budget_source from marts.fct_budget_summary {where}"
                       ).fetchall() == [(2416.43, "table")]
