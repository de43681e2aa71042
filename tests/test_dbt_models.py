"""dbt models on a tiny hand-made raw warehouse.

The raw tables are created as the loader creates them (gongkai.warehouse.load.create_raw_schema) in a temporary
DuckDB file and a handful of rows are inserted by hand: values of the Liaoning 2024 seed report (辽宁省数据局,
raw/000_*.txt), an older report of the same department printed under its former name (辽宁省营商环境建设局), a
superseded version of the seed file and a failed file. Then ``dbt build`` (seeds, models, tests) runs against it and
the marts are checked.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
import yaml

from gongkai.warehouse.load import create_raw_schema
from gongkai.warehouse.schema import RAW_TABLES

REPO = Path(__file__).resolve().parents[1]
DBT_DIR = REPO / "dbt"
DBT = Path(sys.executable).with_name("dbt")

R1 = "c669139aa1fe8f20"  # the seed report, current version
R1_OLD = "00000000000000a1"  # an earlier version of the same path, superseded
R2 = "00000000000000b2"  # an older report of the same department under its former name
R_FAILED = "00000000000000f3"
R3 = "00000000000000c3"  # a district final whose SMEs won more than its whole procurement (21.07 + 21.07 > 21.07)

T0 = datetime(2025, 1, 1, 8, 0, 0)
T1 = datetime(2025, 6, 1, 8, 0, 0)


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    """Insert dict rows into raw.<table>; columns not given are NULL."""
    columns = [line.split()[0] for line in RAW_TABLES[table].strip().splitlines() if line.strip()]
    for row in rows:
        unknown = set(row) - set(columns)
        assert not unknown, f"{table}: unknown columns {unknown}"
        names = list(row)
        con.execute(
            f"INSERT INTO raw.{table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
            [row[n] for n in names],
        )


def _file(report_id, path, department, year, *, status="loaded", current=True, seen=T1):
    return dict(
        report_id=report_id, path=path, sha256=report_id * 4, size_bytes=1000, format="text", encoding="utf-8",
        department=department, fiscal_year=year, kind="final", status=status, first_seen=T0, last_seen=seen,
        is_current=current,
    )


def _cells(report_id, family, rows, *, file="000_c669139aa1fe8f20.txt", page=20):
    """rows: (row_label, code, item, side, category, {column: value or None})."""
    out = []
    for index, (label, code, item, side, category, values) in enumerate(rows):
        for column, value in values.items():
            out.append(dict(
                report_id=report_id, table_family=family, table_unit="万元", row_index=index, row_label=label,
                code=code, level={3: 1, 5: 2, 7: 3}.get(len(code)) if code else None,
                parent_code=code[:-2] if code and len(code) in (5, 7) else None, item=item, side=side,
                category=category, column_name=column, value=value,
                original=None if value is None else f"{value:,.2f}",
                cell_status="value" if value is not None else "blank", file=file, page=page, line=10 + index,
            ))
    return out


def _fact(report_id, key, value, unit="万元", basis="reported", line=1, qualifier=None):
    return dict(report_id=report_id, fact_key=key, qualifier=qualifier, value=value, unit=unit, original=str(value),
                fiscal_year=2024, basis=basis, file="000_c669139aa1fe8f20.txt", page=5, line=line)


def make_raw_fixture(path: Path) -> None:
    con = duckdb.connect(str(path))
    create_raw_schema(con)
    _insert(con, "report_files", [
        _file(R1, "000_c669139aa1fe8f20.txt", "辽宁省数据局", 2024),
        _file(R1_OLD, "000_c669139aa1fe8f20.txt", "辽宁省数据局", 2024, current=False, seen=T0),
        _file(R2, "liaoning/2022_yingshang.txt", "辽宁省营商环境建设局", 2022),
        _file(R_FAILED, "broken.pdf", None, None, status="failed"),
        _file(R3, "shpt/2023_czj.pdf", "上海市普陀区财政局", 2023),
    ])
    exp = ("total", "basic", "project")
    cells = []
    cells += _cells(R1, "expenditure", [
        ("合计", None, "total", None, None, dict(zip(exp, (5516.90, 2685.87, 2831.03)))),
        ("210 卫生健康支出", "210", None, None, None, dict(zip(exp, (89.36, 81.78, 7.58)))),
        ("21011 行政事业单位医疗", "21011", None, None, None, dict(zip(exp, (89.36, 81.78, 7.58)))),
        ("2101101 行政单位医疗", "2101101", None, None, None, dict(zip(exp, (84.11, 76.53, 7.58)))),
        ("2101102 事业单位医疗", "2101102", None, None, None, dict(zip(exp, (5.25, 5.25, None)))),
    ])
    cells += _cells(R1, "general_budget_expenditure", [
        ("合计", None, "total", None, None, dict(zip(exp, (5516.84, 2685.81, 2831.03)))),
        ("2101101 行政单位医疗", "2101101", None, None, None, dict(zip(exp, (84.11, 76.53, 7.58)))),
    ])
    cells += _cells(R1, "income", [
        ("合计", None, "total", None, None, {"total": 5741.50, "fiscal_appropriation": 5741.50, "other_revenue": 0.0}),
        ("2101101 行政单位医疗", "2101101", None, None, None, {"total": 84.12, "fiscal_appropriation": 84.12}),
    ])
    cells += _cells(R1, "general_budget_basic_expenditure", [
        ("301 工资福利支出", "301", None, None, "personnel", {"amount": 1981.47}),
        ("30101 基本工资", "30101", None, None, "personnel", {"amount": 491.50}),
        ("302 商品和服务支出", "302", None, None, "public", {"amount": 304.61}),
        ("30201 办公费", "30201", None, None, "public", {"amount": 19.01}),
        ("30231 公务用车运行维护费", "30231", None, None, "public", {"amount": 11.96}),
        ("30240 税金及附加费用", "30240", None, None, "public", {"amount": None}),
        ("人员经费合计", None, "personnel_total", None, "personnel", {"amount": 2362.06}),
        ("公用经费合计", None, "public_total", None, "public", {"amount": 323.75}),
    ])
    ba = ("budget", "actual")
    cells += _cells(R1, "three_public", [
        ("合计", None, "total", None, None, dict(zip(ba, (12.00, 11.96)))),
        ("1.因公出国（境）费", None, "overseas_travel", None, None, dict(zip(ba, (None, None)))),
        ("2.公务接待费", None, "reception", None, None, dict(zip(ba, (None, None)))),
        ("3.公务用车购置及运行费", None, "vehicle_total", None, None, dict(zip(ba, (12.00, 11.96)))),
        ("（1）公务用车运行维护费", None, "vehicle_operation", None, None, dict(zip(ba, (12.00, 11.96)))),
        ("（2）公务用车购置费", None, "vehicle_purchase", None, None, dict(zip(ba, (None, None)))),
    ])
    # a 三公 table that also prints 会议费 and 培训费 (as the Xi'an 2022 汇总 final's 公开09表 does, p. 161)
    cells += _cells(R3, "three_public", [
        ("合计", None, "total", None, None, dict(zip(ba, (593.46, 587.55)))),
        ("会议费", None, "meeting", None, None, dict(zip(ba, (86.81, 86.81)))),
        ("培训费", None, "training", None, None, dict(zip(ba, (2795.78, 2795.78)))),
    ], file="shpt/2023_czj.pdf")
    # tables beyond the standard nine (as tests/test_final_variants.py's 内蒙古 / 云南 / 四川 sets print them)
    cells += _cells(R3, "project_income_expenditure", [
        ("合计", None, "total", None, None, {"carryover_begin": 30.0, "income": 80.0, "project": 95.0, "carryover_end": 15.0}),
        ("一般公共服务支出", "201", None, None, None, {"carryover_begin": 30.0, "income": 80.0, "project": 95.0,
                                                  "carryover_end": 15.0}),
        ("一般行政管理事务", "2010102", None, None, None, {"carryover_begin": None, "income": 80.0, "project": 80.0,
                                                   "carryover_end": None}),
    ], file="shpt/2023_czj.pdf")
    cells += _cells(R3, "project_expenditure", [
        ("行政运行", "2010101", None, None, None, {"project": 312.30}),
        ("办公费", "30201", None, None, None, {"project": 50.0}),  # a project table printed by economic class
    ], file="shpt/2023_czj.pdf")
    cells += _cells(R3, "general_budget_economic_detail", [
        ("合计", None, "total", None, None, {"total": 596.0, "basic": 540.0, "project": 56.0}),
        ("差旅费", "30211", None, None, None, {"total": 6.0, "basic": None, "project": 6.0}),
    ], file="shpt/2023_czj.pdf")
    cells += _cells(R3, "operations_assets_procurement", [
        ("机构运行经费支出", None, "agency_operating_cost", None, None, {"amount": 35.20}),
        ("国有资产占用情况", None, "state_assets", None, None, {"amount": None}),
        ("车辆数（辆）", None, "vehicles", None, None, {"amount": 2.0}),
        ("政府采购支出", None, "procurement_total", None, None, {"amount": 120.0}),
    ], file="shpt/2023_czj.pdf")
    cells += _cells(R3, "three_public_operating", [
        ("“三公”经费", None, "three_public", None, None, {"budget": 12.0, "actual": 11.10}),
        ("机关运行经费", None, "agency_operating_cost", None, None, {"budget": 24.0, "actual": 24.0}),
    ], file="shpt/2023_czj.pdf")
    cells += _cells(R1, "income_expenditure_summary", [
        ("本年收入合计", None, "income_total", "income", None, {"amount": 5741.50}),
        ("本年支出合计", None, "expenditure_total", "expenditure", None, {"amount": 5516.90}),
        ("年初结转和结余", None, "carryover_begin", "income", None, {"amount": 2.18}),
        ("年末结转和结余", None, "carryover_end", "expenditure", None, {"amount": 226.77}),
        ("总计", None, "grand_total", "income", None, {"amount": 5743.67}),
        ("总计", None, "grand_total", "expenditure", None, {"amount": 5743.67}),
    ])
    # the superseded version and the older report
    cells += _cells(R1_OLD, "expenditure", [
        ("2101101 行政单位医疗", "2101101", None, None, None, dict(zip(exp, (1.0, 1.0, None)))),
    ])
    cells += _cells(R2, "expenditure", [
        ("2101101 行政单位医疗", "2101101", None, None, None, dict(zip(exp, (70.00, 70.00, None)))),
        ("2010301 行政运行", "2010301", None, None, None, dict(zip(exp, (1500.00, 1500.00, None)))),
    ], file="2022_yingshang.txt")
    _insert(con, "table_cells", cells)
    _insert(con, "narrative_facts", [
        _fact(R1, "income_total", 5743.67, line=1),
        _fact(R1, "income_total", 8513.83, basis="comparative", line=2),
        _fact(R1, "expenditure_total", 5516.90, line=3),
        _fact(R1, "agency_operating_cost", 309.18, line=4),
        _fact(R1, "three_public_total", 11.96, line=5),
        _fact(R1, "procurement_total", 2111.16, line=10),
        _fact(R1, "procurement_goods", 2.45, line=10),
        _fact(R1, "procurement_works", 0.0, line=11),
        _fact(R1, "procurement_services", 2108.71, line=11),
        _fact(R1, "sme_amount", 369.36, line=12),
        _fact(R1, "sme_share_pct", 17.50, unit="%", line=12),
        _fact(R1, "small_micro_amount", 366.91, line=13),
        _fact(R1, "small_micro_share_pct", 99.34, unit="%", line=13),
        _fact(R1, "sme_share_goods_pct", 100.0, unit="%", line=14),
        _fact(R1, "sme_share_works_pct", 0.0, unit="%", line=14),
        _fact(R1, "sme_share_services_pct", 17.40, unit="%", line=15),
        _fact(R1, "sme_share_pct", 17.4960, unit="%", basis="derived", line=16),
        _fact(R2, "procurement_total", 1000.0),
        _fact(R2, "sme_amount", 4000000.0, unit="元"),  # 400 万元, stated in 元
        _fact(R2, "three_public_total", 20.5),
        _fact(R3, "procurement_total", 21.07, line=20),
        _fact(R3, "sme_won_in_reserved", 21.07, line=21),
        _fact(R3, "sme_won_outside_reserved", 21.07, line=22),
        _fact(R3, "sme_amount", 42.14, basis="derived", line=22),
        _fact(R3, "sme_share_pct", 200.0, unit="%", basis="derived", line=22),
    ])
    _insert(con, "performance_projects", [dict(
        report_id=R1, project_index=1, project_name="辽宁省政务服务大厅运转经费", department="辽宁省数据局",
        implementing_unit="辽宁省数据局本级", budget=1079.03, actual=1004.87, execution_rate_pct=93.13,
        indicator_subtotal=90.0, execution_score=9.31, deduction=0.0, total_score=99.31,
        file="000_c669139aa1fe8f20.txt", page=31, line=1,
    )])
    _insert(con, "performance_indicators", [
        dict(report_id=R1, evaluation_kind="project", evaluation_index=1, indicator_index=i, level1="产出指标",
             level2=l2, level3=l3, operator=op, target=t, unit=u, actual=a, completion="100%", weight=w, score=w,
             file="000_c669139aa1fe8f20.txt", page=32, line=i)
        for i, (l2, l3, op, t, u, a, w) in enumerate([
            ("数量指标", "消防维保次数", ">=", "12", "次", "12", 12.5),
            ("质量指标", "邮件送达率", ">=", "98", "%", "100", 12.5),
        ], start=1)
    ])
    _insert(con, "unit_evaluations", [dict(
        report_id=R1, unit_index=1, unit_code="001", unit_name="辽宁省数据局本级", budget_income=5741.50,
        budget_expenditure=5516.90, total_score=95.0, file="000_c669139aa1fe8f20.txt", page=60, line=1,
    )])
    _insert(con, "unit_tasks", [dict(
        report_id=R1, unit_index=1, task_index=1, task_name="政务服务", allocated=1079.03, executed=1004.87,
        execution_rate_pct=93.13, weight=20.0, score=18.6, file="000_c669139aa1fe8f20.txt", page=60, line=5,
    )])
    _insert(con, "reconciliation_checks", [
        dict(report_id=R1, check_name="expenditure.row_sum.2101101", category="row_sum", expected=84.11,
             actual=84.11, difference=0.0, tolerance=0.05, status="pass", file="000_c669139aa1fe8f20.txt",
             page=20, line=13),
        dict(report_id=R1, check_name="summary.income_vs_income_table", category="cross_table", expected=5741.50,
             actual=5741.50, difference=0.0, tolerance=0.05, status="pass"),
        dict(report_id=R1, check_name="narrative.procurement_parts", category="narrative", expected=2111.16,
             actual=2111.16, difference=0.0, tolerance=0.05, status="pass"),
        dict(report_id=R1, check_name="appropriation.general_vs_table5", category="cross_table", expected=5516.90,
             actual=5516.84, difference=0.06, tolerance=0.05, status="fail", detail="尾差 above tolerance"),
        dict(report_id=R1, check_name="year_over_year.carryover", category="year", tolerance=0.05,
             status="not_run", detail="previous year not loaded"),
        dict(report_id=R3, check_name="narrative.sme_within_total", category="narrative", expected=21.07,
             actual=42.14, difference=21.07, tolerance=0.02, status="fail", detail="actual ≤ expected",
             file="shpt/2023_czj.pdf", page=24, line=20),
    ])
    _insert(con, "parse_issues", [dict(report_id=R1, severity="warning", issue_kind="replacement_char",
                                       message="U+FFFD in text", file="000_c669139aa1fe8f20.txt", page=40, line=3)])
    _insert(con, "report_pages", [dict(report_id=R1, page=p, page_status="text", chars=1000) for p in (1, 2)])
    _insert(con, "units_in_scope", [dict(report_id=R1, unit_index=1, unit_name="辽宁省数据局本级"),
                                    dict(report_id=R1, unit_index=2, unit_name="辽宁省民心网")])
    con.close()


def run_dbt(warehouse: Path, *args: str, tmp: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, GONGKAI_WAREHOUSE=str(warehouse), DBT_TARGET_PATH=str(tmp / "target"),
               DBT_LOG_PATH=str(tmp / "logs"), DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    return subprocess.run(
        [str(DBT), *args, "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dbt")
    warehouse = tmp / "gongkai.duckdb"
    make_raw_fixture(warehouse)
    result = run_dbt(warehouse, "build", tmp=tmp)
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-4000:]
    con = duckdb.connect(str(warehouse), read_only=True)
    yield con, result
    con.close()


def q(con, sql, *params):
    return con.execute(sql, list(params)).fetchall()


# --- the build -------------------------------------------------------------------------------------------------

def test_build_passes(built):
    _, result = built
    assert "ERROR=0" in result.stdout
    assert "Completed successfully" in result.stdout


def test_only_current_loaded_reports(built):
    con, _ = built
    assert {r[0] for r in q(con, "select report_id from marts.fct_report_summary")} == {R1, R2, R3}
    for table in ("fct_expenditure_by_function", "fct_three_public", "fct_procurement", "fct_project_performance"):
        ids = {r[0] for r in q(con, f"select distinct report_id from marts.{table}")}
        assert R1_OLD not in ids and R_FAILED not in ids, table


def test_departments_are_canonical(built):
    con, _ = built
    rows = q(con, "select report_id, department, department_as_printed, department_id from marts.fct_report_summary "
                  "where department = '辽宁省数据局' order by year")
    assert [(r[1], r[2]) for r in rows] == [("辽宁省数据局", "辽宁省营商环境建设局"), ("辽宁省数据局", "辽宁省数据局")]
    assert rows[0][3] == rows[1][3]
    dim = q(con, "select canonical_name, names_printed, region, level, report_count from marts.dim_department "
                 "where department_id = ?", rows[0][3])
    assert dim == [("辽宁省数据局", ["辽宁省数据局", "辽宁省营商环境建设局"], "辽宁省", "province", 2)]
    # only departments with a loaded report (上海市普陀区财政局: R3); the seed's alias of another (西南大学: no
    # report in this warehouse) stays in the alias table
    assert q(con, "select count(*) from marts.dim_department where report_count = 0") == [(0,)]
    assert q(con, "select report_count from marts.dim_department where canonical_name = '上海市普陀区财政局'") == [(1,)]
    assert q(con, "select count(*) from marts.dim_department_name where name = '西南大学'") == [(1,)]
    assert q(con, "select count(*) from marts.dim_department where canonical_name = '西南大学'") == [(0,)]


def test_expenditure_by_function(built):
    con, _ = built
    assert q(con, "select scope, total, basic, project, level, parent_code, function_name "
                  "from marts.fct_expenditure_by_function where report_id = ? and function_code = '2101101' "
                  "order by scope", R1) == [
        ("all_funds", 84.11, 76.53, 7.58, 3, "21011", "行政单位医疗"),
        ("general_budget", 84.11, 76.53, 7.58, 3, "21011", "行政单位医疗"),
    ]
    # a blank cell stays NULL; the 合计 row (no code) is not a fact row
    assert q(con, "select project from marts.fct_expenditure_by_function where function_code = '2101102'") == [(None,)]
    assert q(con, "select count(*) from marts.fct_expenditure_by_function where function_code is null") == [(0,)]
    assert q(con, "select total from marts.fct_income_by_function where report_id = ? and function_code = '2101101'",
             R1) == [(84.12,)]


def test_classification_dims(built):
    con, _ = built
    assert q(con, "select name, level, level_name, parent_code, in_reference, in_reports "
                  "from marts.dim_function_class where code = '2010301'") == [
        ("行政运行", 3, "项", "20103", True, True)]
    # the reference is gathered from the real reports (dbt/scripts/classification_codes.py): it has every code
    # they print, e.g. 30240 税金及附加费用 of the Liaoning report (a code it lacked would still be added, printed name)
    assert q(con, "select name, level, parent_code, in_reference, in_reports from marts.dim_economic_class "
                  "where code = '30240'") == [("税金及附加费用", 2, "302", True, True)]
    for dim in ("dim_function_class", "dim_economic_class"):
        assert q(con, f"select code from marts.{dim} where in_reports and not in_reference") == [], dim
    # one row per code even where the reference spells a name two ways
    names = q(con, "select names_seen from marts.dim_economic_class where code = '30213'")[0][0]
    assert len(names) == 2


def test_basic_expenditure_by_economic_class(built):
    con, _ = built
    assert q(con, "select category, amount, level, parent_code from marts.fct_basic_expenditure_by_economic_class "
                  "where economic_code = '30101'") == [("personnel", 491.50, 2, "301")]
    assert q(con, "select personnel_total, public_total from marts.fct_report_summary where report_id = ?", R1) == [
        (2362.06, 323.75)]


def test_three_public(built):
    con, _ = built
    rows = dict((r[0], r[1:]) for r in q(con, "select item, budget, actual, completion_pct from marts.fct_three_public "
                                              "where report_id = ?", R1))
    assert set(rows) == {"total", "overseas_travel", "reception", "vehicle_total", "vehicle_purchase",
                         "vehicle_operation"}
    assert rows["total"] == (12.00, 11.96, 99.67)
    assert rows["reception"] == (None, None, None)
    # 会议费 / 培训费 where printed: their own items, beside (not inside) the 三公 total
    rows = dict((r[0], r[1:]) for r in q(con, "select item, budget, actual from marts.fct_three_public "
                                              "where report_id = ?", R3))
    assert rows == {"total": (593.46, 587.55), "meeting": (86.81, 86.81), "training": (2795.78, 2795.78)}
    assert q(con, "select three_public_total from marts.fct_report_summary where report_id = ?", R3) == [(587.55,)]


def test_supplementary_tables(built):
    """The tables some sets print beyond the standard nine reach their marts, blanks NULL, counts as counts."""
    con, _ = built
    assert q(con, "select source_table, function_code, carryover_begin, income, project, carryover_end "
                  "from marts.fct_project_expenditure_by_function where report_id = ? order by 1, 2", R3) == [
        ("project_expenditure", "2010101", None, None, 312.30, None),
        ("project_income_expenditure", "201", 30.0, 80.0, 95.0, 15.0),
        ("project_income_expenditure", "2010102", None, 80.0, 80.0, None)]
    assert q(con, "select scope, economic_code, level, parent_code, total, basic, project "
                  "from marts.fct_expenditure_by_economic_class where report_id = ? order by 1, 2", R3) == [
        ("general_budget", "30211", 2, "302", 6.0, None, 6.0), ("project", "30201", 2, "302", None, None, 50.0)]
    rows = q(con, "select source_table, item, column_name, value, unit from marts.fct_operations_disclosure "
                  "where report_id = ? order by 1, 2, 3", R3)
    assert rows == [
        ("operations_assets_procurement", "agency_operating_cost", "amount", 35.20, "万元"),
        ("operations_assets_procurement", "procurement_total", "amount", 120.0, "万元"),
        ("operations_assets_procurement", "state_assets", "amount", None, "万元"),
        ("operations_assets_procurement", "vehicles", "amount", 2.0, "count"),
        ("three_public_operating", "agency_operating_cost", "actual", 24.0, "万元"),
        ("three_public_operating", "agency_operating_cost", "budget", 24.0, "万元"),
        ("three_public_operating", "three_public", "actual", 11.10, "万元"),
        ("three_public_operating", "three_public", "budget", 12.0, "万元")]



#: One bad row planted per supplementary mart, and what its suite must name: (expectation, column, severity).
PLANTED = {
    "fct_project_expenditure_by_function": (
        "insert into marts.fct_project_expenditure_by_function select * from marts.fct_project_expenditure_by_function "
        "where function_code = '2010101'",  # the same report × table × code twice
        ("expect_compound_columns_to_be_unique", "report_id,source_table,function_code", "error")),
    "fct_expenditure_by_economic_class": (
        "insert into marts.fct_expenditure_by_economic_class select * replace ('30290' as economic_code, -6.0 as total) "
        "from marts.fct_expenditure_by_economic_class where economic_code = '30211'",  # no such class, negative
        ("expect_column_values_to_be_in_set", "_code_in_dim", "error")),
    "fct_operations_disclosure": (
        "insert into marts.fct_operations_disclosure select * replace ('spaceships' as item, null as page) "
        "from marts.fct_operations_disclosure where item = 'vehicles'",  # an item no table prints, no page
        ("expect_column_values_to_be_in_set", "item", "error")),
}


def test_supplementary_marts_pass_their_suites_and_a_planted_row_fails(built, tmp_path):
    """The GX suites of the three supplementary marts pass on the built rows; a copy of the warehouse with one bad row
    planted in each mart fails that mart's suite with a blocking error naming the column."""
    from gongkai.quality import validate_table
    from gongkai.quality.context import EXPECTATIONS_DIR, get_context

    root = tmp_path / "expectations"
    shutil.copytree(EXPECTATIONS_DIR, root, ignore=shutil.ignore_patterns("uncommitted"))
    context = get_context(root, docs_dir=tmp_path / "gx_docs")
    con, _ = built
    for name in PLANTED:
        result = validate_table(con, name, context)
        assert result.rows >= 2 and result.success, (name, [(r.expectation, r.column) for r in result.failed])
    [(path,)] = con.execute("select path from duckdb_databases() where database_name = current_database()").fetchall()
    shutil.copy(path, tmp_path / "planted.duckdb")
    planted = duckdb.connect(str(tmp_path / "planted.duckdb"))
    try:
        for name, (plant, expected) in PLANTED.items():
            planted.execute(plant)
            result = validate_table(planted, name, context)
            failed = {(r.expectation, r.column, r.severity) for r in result.failed}
            assert expected in failed and not result.success_errors, (name, failed)
        failed = {r.column for r in validate_table(planted, "fct_expenditure_by_economic_class", context).warnings}
        assert failed == {"total"}
        failed = {r.column for r in validate_table(planted, "fct_operations_disclosure", context).errors}
        assert failed == {"item", "page"}
    finally:
        planted.close()

def test_procurement(built):
    con, _ = built
    row = q(con, "select total, goods, works, services, sme_amount, sme_share_pct, small_micro_amount, "
                 "small_micro_share_pct, sme_share_services_pct, derived_keys, stated "
                 "from marts.fct_procurement where report_id = ?", R1)[0]
    # the reported share (17.50) wins over the derived one (17.496)
    assert row == (2111.16, 2.45, 0.0, 2108.71, 369.36, 17.50, 366.91, 99.34, 17.40, [], True)
    # 400万元 stated in 元 is converted
    assert q(con, "select sme_amount from marts.fct_procurement where report_id = ?", R2) == [(400.0,)]


def test_impossible_derived_procurement_is_withheld_and_its_check_listed(built):
    """21.07 + 21.07 won by SMEs of a 21.07 total: the derived SME amount and its 200 % share are not emitted; the
    printed inputs and the failed check (file, page, expected, actual) are."""
    con, _ = built
    assert q(con, "select total, sme_won_in_reserved, sme_won_outside_reserved, sme_amount, sme_share_pct, "
                  "withheld_keys, derived_keys from marts.fct_procurement where report_id = ?", R3) == [
        (21.07, 21.07, 21.07, None, None, ["sme_amount", "sme_share_pct"], [])]
    assert q(con, "select sme_amount, sme_share_pct from marts.fct_report_summary where report_id = ?", R3) == [
        (None, None)]
    assert q(con, "select check_name, expected, actual, file, page, is_preferred from quality.report_check_failures "
                  "where report_id = ?", R3) == [("narrative.sme_within_total", 21.07, 42.14, "shpt/2023_czj.pdf", 24,
                                                  True)]


def test_report_summary(built):
    con, _ = built
    cols = ("income_total", "income_total_source", "expenditure_total", "basic_total", "project_total",
            "carryover_begin", "carryover_end", "agency_operating_cost", "three_public_total",
            "three_public_total_source", "procurement_total", "sme_share_pct", "mean_project_score",
            "reconciliation_fails", "reconciliation_passes", "reconciliation_not_run")
    row = dict(zip(cols, q(con, f"select {', '.join(cols)} from marts.fct_report_summary where report_id = ?", R1)[0]))
    assert row == dict(income_total=5741.50, income_total_source="table", expenditure_total=5516.90,
                       basic_total=2685.87, project_total=2831.03, carryover_begin=2.18, carryover_end=226.77,
                       agency_operating_cost=309.18, three_public_total=11.96, three_public_total_source="table",
                       procurement_total=2111.16, sme_share_pct=17.50, mean_project_score=99.31,
                       reconciliation_fails=1, reconciliation_passes=3, reconciliation_not_run=1)
    # no table: the narrative is the fallback, and says so
    assert q(con, "select three_public_total, three_public_total_source, income_total from marts.fct_report_summary "
                  "where report_id = ?", R2) == [(20.5, "narrative", None)]


def test_performance_and_reconciliation(built):
    con, _ = built
    assert q(con, "select project_name, budget, actual, execution_rate_pct, indicator_score, execution_score, "
                  "deduction, total_score, indicator_count from marts.fct_project_performance") == [
        ("辽宁省政务服务大厅运转经费", 1079.03, 1004.87, 93.13, 90.0, 9.31, 0.0, 99.31, 2)]
    assert q(con, "select count(*), min(evaluated_name) from marts.fct_performance_indicator") == [
        (2, "辽宁省政务服务大厅运转经费")]
    assert q(con, "select unit_name, total_score, task_count from marts.fct_unit_performance") == [
        ("辽宁省数据局本级", 95.0, 1)]
    assert q(con, "select status, count(*) from quality.reconciliation group by 1 order by 1") == [
        ("fail", 2), ("not_run", 1), ("pass", 3)]


def _documented() -> dict[str, dict[str, dict]]:
    out = {}
    for path in sorted((DBT_DIR / "models" / "marts").rglob("_*.yml")) + [DBT_DIR / "models" / "quality" / "_quality.yml"]:
        for model in yaml.safe_load(path.read_text(encoding="utf-8"))["models"]:
            out[model["name"]] = {c["name"]: c for c in model["columns"]}
    return out


def test_every_mart_column_is_documented(built):
    con, _ = built
    documented = _documented()
    actual: dict[str, list[str]] = {}
    for schema, table, column in q(con, "select table_schema, table_name, column_name from information_schema.columns "
                                        "where table_schema in ('marts', 'quality') and table_name <> 'gx_results' "
                                        "order by table_name, ordinal_position"):
        actual.setdefault(table, []).append(column)
    assert set(actual) == set(documented)
    for table, columns in actual.items():
        assert list(documented[table]) == columns, table  # same columns, same order
        for column in documented[table].values():
            meta = column.get("meta") or {}
            assert column.get("description") and meta.get("zh") and "unit" in meta, (table, column["name"])
    for table in ("fct_report_summary", "fct_expenditure_by_function", "fct_three_public", "fct_procurement"):
        for column in ("report_id", "department", "year", "kind"):
            assert column in actual[table]


def test_docs_are_generated_from_the_yaml():
    from importlib.util import module_from_spec, spec_from_file_location

    spec = spec_from_file_location("marts_doc", DBT_DIR / "scripts" / "marts_doc.py")
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (REPO / "docs" / "marts.md").read_text(encoding="utf-8") == module.render(), \
        "regenerate: .venv/bin/python dbt/scripts/marts_doc.py > docs/marts.md"


def test_broken_status_fails_the_build(built, tmp_path):
    """A structural error (an unknown reconciliation status) fails `dbt build`; the marts of other models stay."""
    con, _ = built
    source = Path(con.execute("select path from duckdb_databases() where database_name = current_database()")
                  .fetchone()[0])
    copy = tmp_path / "gongkai.duckdb"
    shutil.copy(source, copy)
    with duckdb.connect(str(copy)) as c:
        _insert(c, "reconciliation_checks", [dict(report_id=R1, check_name="x", category="x", tolerance=0.05,
                                                  status="maybe")])
    result = run_dbt(copy, "build", "--select", "stg_reconciliation_checks+", "--exclude", "fct_report_summary+",
                     tmp=tmp_path)
    assert result.returncode != 0
    assert "Failure in test checks_stg_reconciliation_checks" in result.stdout  # its accepted_values(status) rule


def test_a_failed_check_is_told_by_its_failing_rows(built, tmp_path):
    """A report whose 基本支出 + 项目支出 ≠ 本年支出合计 (Liaoning 2024 with 基本支出 100 too high): the warning test
    returns that row — the report, the rule, expected, actual, file — which the Dagster check's metadata shows."""
    from dbt.cli.main import dbtRunner

    from gongkai.pipeline.dbt_failures import failing_rows_metadata, failing_test_sql
    from gongkai.pipeline.dbt_runner import _close_duckdb
    from gongkai.pipeline.failing_rows import report_names
    from gongkai.pipeline.resources import temporary_env

    con, _ = built
    source = Path(con.execute("select path from duckdb_databases() where database_name = current_database()")
                  .fetchone()[0])
    copy = tmp_path / "gongkai.duckdb"
    shutil.copy(source, copy)
    with duckdb.connect(str(copy)) as c:
        c.execute("update marts.fct_report_summary set basic_total = basic_total + 100 where report_id = ?", [R1])
    with temporary_env(GONGKAI_DBT_PATH=str(copy), DBT_SEND_ANONYMOUS_USAGE_STATS="false"):
        try:
            result = dbtRunner().invoke(["test", "--select", "fct_report_summary", "--project-dir", str(DBT_DIR),
                                         "--profiles-dir", str(DBT_DIR), "--target-path", str(tmp_path / "target"),
                                         "--log-path", str(tmp_path / "logs")])
        finally:
            _close_duckdb()
    failing = failing_test_sql(result)
    assert [k.split(".")[2] for k in failing] == ["warnings_fct_report_summary"]
    with duckdb.connect(str(copy), read_only=True) as c:
        metadata = failing_rows_metadata(c, next(iter(failing.values())), "WARN", report_names(c))
    assert metadata["failing_rows"] == 1
    table = metadata["failed"].value
    assert table.startswith("**WARN** — 1 failing rows, the first 1:")
    assert "| report | check | row | expected | actual | file | page |" in table
    assert ("| 辽宁省数据局 2024 决算 (000_c669139aa1fe8f20.txt) | expenditure_total = basic_total + project_total | – "
            "| basic_total + project_total = 5616.90 | 5516.90 | 000_c669139aa1fe8f20.txt | – |") in table
