"""Great Expectations suites (gongkai.quality) on small DataFrames built from real seed values.

The seed is the Liaoning 2024 report (辽宁省数据局, raw/000_*.txt): 支出决算表 row 2101101 行政单位医疗 total 84.11,
basic 76.53, project 7.58; its parent 21011 89.36 / 81.78 / 7.58 with sibling 2101102 5.25 / 5.25 / –; procurement
2,111.16 with SME 369.36 (17.50%). Each broken copy must fail the right expectation with the right severity.
A temporary copy of expectations/ is used so the committed context is not touched.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from gongkai.quality import ERROR, SUITES, WARNING, Lookups, run_suite, store_results
from gongkai.quality.context import EXPECTATIONS_DIR, build_docs, build_suite, get_context
from gongkai.quality.gx import prepare_frame
from gongkai.quality.helper_columns import name_consistent

R = "c669139aa1fe8f20"
REPORT = dict(report_id=R, department_id="218fd8bfc9da68bd", department="辽宁省数据局", year=2024, kind="final")
LOOKUPS = Lookups(function_codes={"210", "21011", "2101101", "2101102"}, economic_codes={"301", "30101", "30102"})


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    root = tmp_path_factory.mktemp("gx") / "expectations"
    shutil.copytree(EXPECTATIONS_DIR, root, ignore=shutil.ignore_patterns("uncommitted"))
    return get_context(root, docs_dir=root.parent / "gx_docs")


def expenditure(**overrides_by_code) -> pd.DataFrame:
    rows = [
        ("210", None, 1, 89.36, 81.78, 7.58),
        ("21011", "210", 2, 89.36, 81.78, 7.58),
        ("2101101", "21011", 3, 84.11, 76.53, 7.58),
        ("2101102", "21011", 3, 5.25, 5.25, None),
    ]
    out = []
    for code, parent, level, total, basic, project in rows:
        row = dict(REPORT, scope="all_funds", function_code=code, parent_code=parent, level=level, total=total,
                   basic=basic, project=project, remittance_to_superior=None, business=None,
                   subsidy_to_affiliates=None)
        row.update(overrides_by_code.get(code, {}))
        out.append(row)
    return pd.DataFrame(out)


def procurement(**overrides) -> pd.DataFrame:
    row = dict(REPORT, total=2111.16, goods=2.45, works=0.0, services=2108.71, sme_amount=369.36, sme_share_pct=17.50,
               small_micro_amount=366.91, small_micro_share_pct=99.34, sme_share_goods_pct=100.0,
               sme_share_works_pct=0.0, sme_share_services_pct=17.40, sme_reserved_amount=None,
               small_micro_reserved_amount=None)
    row.update(overrides)
    return pd.DataFrame([row])


def failed(result) -> set[tuple[str, str | None, str]]:
    return {(r.expectation, r.column, r.severity) for r in result.failed}


def test_suites_are_persisted_as_json():
    for name, spec in SUITES.items():
        path = EXPECTATIONS_DIR / "expectations" / f"{name}.json"
        assert path.exists(), f"run gongkai.quality.get_context() to write {path}"
        stored = json.loads(path.read_text(encoding="utf-8"))
        assert [e["type"] for e in stored["expectations"]] == [
            "".join("_" + c.lower() if c.isupper() else c for c in e.type).lstrip("_") for e in spec.expectations
        ], f"{path} is out of date with the code"
        assert [e["meta"]["gongkai_severity"] for e in stored["expectations"]] == [e.severity for e in spec.expectations]
        # the arguments too (a value set that grew in code only would make every run rewrite the tracked JSON)
        built = [json.loads(json.dumps(e.configuration.to_json_dict()["kwargs"], default=str))
                 for e in build_suite(spec).expectations]
        assert [e["kwargs"] for e in stored["expectations"]] == built, f"{path} is out of date with the code"


def test_seed_rows_pass(context):
    result = run_suite("fct_expenditure_by_function", expenditure(), context, lookups=LOOKUPS)
    assert result.success, failed(result)
    assert result.success_errors
    assert result.rows == 4
    assert {r.severity for r in result.results} == {ERROR, WARNING}


def test_identity_break_is_a_warning(context):
    broken = expenditure(**{"2101101": dict(project=9.99)})  # 76.53 + 9.99 ≠ 84.11
    result = run_suite("fct_expenditure_by_function", broken, context, lookups=LOOKUPS)
    assert result.success_errors  # a report's own inconsistency does not block
    assert not result.success
    assert ("expect_column_values_to_be_between", "_identity_gap", WARNING) in failed(result)
    identity = next(r for r in result.failed if r.column == "_identity_gap")
    assert identity.unexpected_count == 1
    # 21011's project (7.58) no longer equals Σ children (9.99): the parent = Σ children identity warns too
    assert ("expect_column_values_to_be_between", "_children_gap_project", WARNING) in failed(result)
    assert not result.errors


def test_parent_not_sum_of_children_is_a_warning(context):
    broken = expenditure(**{"21011": dict(total=99.36)})
    result = run_suite("fct_expenditure_by_function", broken, context, lookups=LOOKUPS)
    assert ("expect_column_values_to_be_between", "_children_gap_total", WARNING) in failed(result)
    assert result.success_errors


def test_duplicate_key_is_an_error(context):
    df = expenditure()
    broken = pd.concat([df, df.iloc[[2]]], ignore_index=True)  # 2101101 twice
    result = run_suite("fct_expenditure_by_function", broken, context, lookups=LOOKUPS)
    assert not result.success_errors
    assert ("expect_compound_columns_to_be_unique", "report_id,scope,function_code", ERROR) in failed(result)


def test_malformed_and_unknown_codes_are_errors(context):
    broken = expenditure(**{"2101102": dict(function_code="21011O2")})  # letter O, not zero
    result = run_suite("fct_expenditure_by_function", broken, context, lookups=LOOKUPS)
    assert ("expect_column_values_to_match_regex", "function_code", ERROR) in failed(result)
    assert ("expect_column_values_to_be_in_set", "_code_in_dim", ERROR) in failed(result)
    assert not result.success_errors


def test_negative_amount_and_bad_scope(context):
    broken = expenditure(**{"2101102": dict(scope="everything", total=-5.25, basic=-5.25)})
    result = run_suite("fct_expenditure_by_function", broken, context, lookups=LOOKUPS)
    assert ("expect_column_values_to_be_between", "total", WARNING) in failed(result)
    assert ("expect_column_values_to_be_in_set", "scope", ERROR) in failed(result)


def test_procurement_seed_passes_and_sme_over_total_is_a_warning(context):
    """SME amount above the procurement total is what a department printed (a real district final does it): a
    recorded warning, never a blocker."""
    ok = run_suite("fct_procurement", procurement(), context)
    assert ok.success, failed(ok)
    broken = run_suite("fct_procurement", procurement(sme_amount=2500.0), context)
    assert broken.success_errors and not broken.success
    assert ("expect_column_values_to_be_between", "_sme_over_total", WARNING) in failed(broken)
    # 尾差: an SME amount 0.01 above the total (a real Shanghai report: 251.26 vs 251.25) is tolerated
    assert run_suite("fct_procurement", procurement(total=251.25, sme_amount=251.26, goods=4.79, services=246.47,
                                                    works=0.0), context).success_errors
    shares = run_suite("fct_procurement", procurement(sme_share_pct=117.5, goods=20.45), context)
    assert shares.success_errors
    assert ("expect_column_values_to_be_between", "sme_share_pct", WARNING) in failed(shares)
    assert ("expect_column_values_to_be_between", "_parts_gap", WARNING) in failed(shares)


def test_budget_sources_add_up_per_line(context):
    """深圳 2026 表5 项目支出总表 p27: 财政综合管理业务 2,714.03 = 一般公共预算拨款 2,658.66 + 上年结余、结转 55.37 (the
    other sources 0.00); a source misread by 10 is a warning on the line, never a blocker."""
    sz = dict(report_id="sz", department_id="d", department="深圳市财政局", year=2026, kind="budget")

    def lines(carryover: float) -> pd.DataFrame:
        rows = [("general_budget", 2658.66, True), ("carryover_begin", carryover, True), ("other_revenue", 0.0, True)]
        return pd.DataFrame([dict(sz, scope="project", row_index=2, line_kind="line", function_code=None,
                                  economic_code=None, level=2, line_name="财政综合管理业务", source=source,
                                  amount=amount, counted_in_total=counted, line_total=2714.03, table_unit="万元",
                                  file="2026_sz-czj_budget.pdf", page=27, line=15)
                             for source, amount, counted in rows])

    ok = run_suite("fct_budget_expenditure_by_source", lines(55.37), context)
    assert ok.success, failed(ok)
    broken = run_suite("fct_budget_expenditure_by_source", lines(65.37), context)
    assert broken.success_errors and not broken.success
    assert failed(broken) == {("expect_column_values_to_be_between", "_sources_gap", WARNING)}


def test_three_public_identities(context):
    items = {"total": (12.00, 11.96), "overseas_travel": (None, None), "reception": (None, None),
             "vehicle_total": (12.00, 11.96), "vehicle_purchase": (None, None), "vehicle_operation": (12.00, 11.96)}
    df = pd.DataFrame([dict(REPORT, item=k, budget=b, actual=a,
                            completion_pct=None if not b else round(a / b * 100, 2)) for k, (b, a) in items.items()])
    assert run_suite("fct_three_public", df, context).success
    df.loc[df["item"] == "vehicle_operation", "actual"] = 10.00
    result = run_suite("fct_three_public", df, context)
    assert ("expect_column_values_to_be_between", "_parts_gap_actual", WARNING) in failed(result)
    assert result.success_errors


def test_raw_table_cells(context):
    cells = pd.DataFrame([
        dict(report_id=R, table_family="expenditure", row_index=3, code="2101101", column_name=c, value=v,
             cell_status="value" if v is not None else "blank", category=None, side=None)
        for c, v in (("total", 84.11), ("basic", 76.53), ("project", 7.58))
    ] + [dict(report_id=R, table_family="general_budget_basic_expenditure", row_index=0, code="30101",
              column_name="amount", value=491.50, cell_status="value", category="personnel", side=None)])
    ok = run_suite("raw_table_cells", cells, context, lookups=LOOKUPS)
    assert ok.success, failed(ok)
    broken = cells.copy()
    broken.loc[0, "column_name"] = "amount"  # not a column of the expenditure family
    broken.loc[1, "value"] = None  # a 'value' cell without a value
    broken.loc[3, "code"] = "3010"  # malformed economic code
    result = run_suite("raw_table_cells", broken, context, lookups=LOOKUPS)
    got = failed(result)
    assert ("expect_column_values_to_be_in_set", "_column_known", ERROR) in got
    assert ("expect_column_values_to_be_in_set", "_value_matches_status", ERROR) in got
    assert ("expect_column_values_to_match_regex", "_economic_code", ERROR) in got
    assert ("expect_column_values_to_be_in_set", "_economic_code_known", WARNING) in got


def test_narrative_changes_may_be_negative(context):
    facts = pd.DataFrame([
        dict(report_id=R, fact_key="income_total", value=5743.67, unit="万元", basis="reported"),
        dict(report_id=R, fact_key="income_total_change_amount", value=-2770.16, unit="万元", basis="reported"),
        dict(report_id=R, fact_key="sme_share_pct", value=17.50, unit="%", basis="reported"),
    ])
    assert run_suite("raw_narrative_facts", facts, context).success
    facts.loc[0, "value"] = -5743.67
    facts.loc[2, "value"] = 175.0
    result = run_suite("raw_narrative_facts", facts, context)
    assert {("expect_column_values_to_be_between", "_level_value", WARNING),
            ("expect_column_values_to_be_between", "_share_pct", WARNING)} <= failed(result)
    assert result.success_errors


def test_project_scores(context):
    project = dict(REPORT, project_index=1, project_name="辽宁省政务服务大厅运转经费", budget=1079.03, actual=1004.87,
                   execution_rate_pct=93.13, indicator_score=90.0, execution_score=9.31, deduction=0.0,
                   total_score=99.31)
    assert run_suite("fct_project_performance", pd.DataFrame([project]), context).success
    broken = run_suite("fct_project_performance", pd.DataFrame([dict(project, total_score=109.31)]), context)
    assert ("expect_column_values_to_be_between", "total_score", WARNING) in failed(broken)
    assert ("expect_column_values_to_be_between", "_score_gap", WARNING) in failed(broken)
    assert broken.success_errors


def test_budget_performance_targets(context):
    """西安 表14 p.33: 保安服务年度总费用 ≤50万元, 分值 10; a comparator the loader did not normalise blocks, a negative
    weight (as printed) only warns."""
    row = dict(REPORT, file="budget.pdf", target_index=0, indicator_index=0, target_kind="project",
               target_name="接待中心安保服务", level1="成本指标", level2="经济成本", level3="保安服务年度总费用",
               target_text="≤50万元", comparator="<=", target_value=50.0, target_unit="万元", weight=10.0)
    assert run_suite("fct_budget_performance_target", pd.DataFrame([row]), context).success
    broken = run_suite("fct_budget_performance_target", pd.DataFrame([dict(row, comparator="≤", weight=-10.0)]),
                       context)
    assert ("expect_column_values_to_be_in_set", "comparator", ERROR) in failed(broken)
    assert ("expect_column_values_to_be_between", "weight", WARNING) in failed(broken)


def test_helper_columns_do_not_touch_the_input():
    df = expenditure()
    frame = prepare_frame("fct_expenditure_by_function", df, lookups=LOOKUPS)
    assert "_identity_gap" not in df.columns
    assert frame.loc[frame["function_code"] == "2101101", "_identity_gap"].item() == pytest.approx(0.0)
    assert pd.isna(frame.loc[frame["function_code"] == "2101101", "_children_gap_total"].item())  # a 项: no children


def test_store_results_and_docs(context, tmp_path):
    result = run_suite("fct_procurement", procurement(sme_amount=2500.0), context, run_id="testrun0000000001")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    n = store_results(con, result)
    assert n == len(result.results)
    rows = con.execute(
        "select suite, \"table\", expectation, \"column\", severity, success, unexpected_count, details "
        "from quality.gx_results where not success"
    ).fetchall()
    assert ("fct_procurement", "marts.fct_procurement", "expect_column_values_to_be_between",
            "_sme_over_total", "warning", False, 1) == rows[0][:7]
    assert json.loads(rows[0][7])["note"] == "SME amount ≤ procurement total (within 0.05)"
    assert con.execute("select count(distinct run_id) from quality.gx_results").fetchone()[0] == 1
    sites = build_docs(context)
    index = Path(sites["gongkai_docs"].removeprefix("file://"))
    assert index.exists()


def test_partitioned_suite_validates_only_changed_reports(context, tmp_path):
    """raw_table_cells on two reports: the first run validates both; later runs only the report whose rows changed,
    carrying the recorded failures of the other — the verdict is always that of a full validation."""
    from gongkai.quality import validate_changed_reports, validate_table
    from gongkai.quality.incremental import STATE_TABLE

    def cells(report_id: str, economic_code: str) -> pd.DataFrame:
        return pd.DataFrame([
            dict(report_id=report_id, table_family="expenditure", row_index=3, code="2101101", column_name="total",
                 value=84.11, cell_status="value", category=None, side=None),
            dict(report_id=report_id, table_family="general_budget_basic_expenditure", row_index=0, code=economic_code,
                 column_name="amount", value=491.50, cell_status="value", category="personnel", side=None),
        ])

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("CREATE SCHEMA raw")
    frame = pd.concat([cells("a", "30101"), cells("b", "3010")])  # b: a malformed economic code (error)
    con.execute("CREATE TABLE raw.table_cells AS SELECT * FROM frame")

    def run(versions, batch_rows=50_000):
        result = validate_changed_reports(con, "raw_table_cells", versions, context, batch_rows=batch_rows)
        regex = next(r for r in result.results if r.column == "_economic_code")
        return result, regex

    first, regex = run({"a": "v1", "b": "v1"}, batch_rows=1)  # one report per frame, combined
    assert first.rows == 4 and not regex.success and regex.unexpected_count == 1
    assert [r.success for r in validate_table(con, "raw_table_cells", context).results] == \
        [r.success for r in first.results]
    assert con.execute(f"SELECT count(*) FROM {STATE_TABLE}").fetchone()[0] == 2

    again, regex = run({"a": "v1", "b": "v1"})  # nothing changed: nothing read, b's failure carried
    assert again.rows == 0 and not regex.success and regex.details["carried_reports_failing"] == 1
    assert [(r["report_id"], r["code"]) for r in regex.details["failing_rows"]] == [("b", "3010")]  # still named

    con.execute("DELETE FROM raw.table_cells WHERE report_id = 'b'")
    fixed = cells("b", "30102")
    con.execute("INSERT INTO raw.table_cells SELECT * FROM fixed")
    repaired, regex = run({"a": "v1", "b": "v2"})  # b reloaded and fixed: only b's rows validated
    assert repaired.rows == 2 and repaired.success_errors and regex.success

    gone, _ = run({"a": "v2"})  # a reloaded, b removed
    assert gone.rows == 2 and gone.success_errors
    assert con.execute(f"SELECT report_id FROM {STATE_TABLE}").fetchall() == [("a",)]


def test_only_row_level_suites_are_partitioned():
    from gongkai.quality.specs import compound_unique, is_partitionable, not_null, unique

    spec = SUITES["raw_table_cells"]
    assert spec.partition_column == "report_id" and is_partitionable(spec, "report_id")
    assert not is_partitionable(replace(spec, expectations=(compound_unique(["table_family", "row_index"]),)),
                                "report_id")
    assert not is_partitionable(replace(spec, expectations=(unique("code"),)), "report_id")
    assert is_partitionable(replace(spec, expectations=(unique("report_id"),)), "report_id")  # one value per group
    assert is_partitionable(replace(spec, expectations=(not_null("code"),)), "report_id")
    assert SUITES["raw_report_files"].partition_column is None  # one current version per path: across reports


#: Every blocking (severity 'error') expectation, by suite: invariants the pipeline itself guarantees (keys unique and
#: not NULL, statuses and families from a fixed set, codes well-formed and present in their dimension, counts and
#: ranks it computes). A check on a value a department printed must never be added here: it is a warning.
PIPELINE_INVARIANT_COLUMNS = {
    "report_id", "path", "report_id,path", "status", "kind", "_current_versions_at_path", "table_family",
    "column_name", "report_id,table_family,row_index,column_name", "cell_status", "_column_known",
    "_value_matches_status", "_function_code", "_economic_code", "category", "side", "fact_key", "basis",
    "project_name", "report_id,project_index", "report_id,evaluation_kind,evaluation_index,indicator_index",
    "evaluation_kind", "check_name", "tolerance", "function_code", "report_id,scope,function_code", "scope",
    "_code_in_dim", "report_id,function_code", "economic_code", "report_id,economic_code", "report_id,item", "item",
    "reconciliation_fails", "code", "level", "department_id", "year", "department_id,year",
    "department_id,year,metric", "check_status", "region_rank", "province_rank", "region_percentile",
    "province_percentile", "grain,department_id,year,measure", "grain", "measure", "below_threshold_share_pct",
    "value", "source_table", "report_id,source_table,function_code", "report_id,scope,economic_code",
    "report_id,source_table,item,column_name", "unit", "file", "page", "line",
    "level3", "report_id,file,target_index,indicator_index", "target_kind", "comparator",
    "row_index", "report_id,row_index", "is_category", "procurement_kind", "source", "line_kind",
    "report_id,source", "report_id,scope,row_index,source",
}


def test_only_pipeline_invariants_block():
    blocking = {(name, e.column) for name, spec in SUITES.items() for e in spec.expectations if e.severity == ERROR}
    reported = {(name, column) for name, column in blocking if column not in PIPELINE_INVARIANT_COLUMNS}
    assert not reported, f"blocking checks on printed values (make them warnings): {sorted(reported)}"
    assert ("fct_procurement", "_sme_over_total") not in blocking


def test_standard_code_under_a_known_parent_is_known_and_a_stray_code_is_named(context):
    """A 项 the reference lacks is known when its 款 is printed in the same report and the reference has the 类; a
    code with no known parent chain fails as a warning naming the code, its label, its report and page."""
    rows = [("210", "卫生健康支出"), ("21099", "其他卫生健康支出"), ("2109999", "其他卫生健康支出"),
            ("29901", "不知所云事务")]
    cells = pd.DataFrame([
        dict(report_id=R, table_family="expenditure", row_index=i, code=code, row_label=f"{code} {label}",
             column_name="total", value=1.0, cell_status="value", category=None, side=None, file="r.pdf", page=7,
             line=10 + i)
        for i, (code, label) in enumerate(rows)
    ])
    frame = prepare_frame("raw_table_cells", cells, lookups=LOOKUPS)
    assert list(frame["_function_code_known"]) == [True, True, True, False]
    result = run_suite("raw_table_cells", cells, context, lookups=LOOKUPS)
    unknown = next(r for r in result.failed if r.column == "_function_code_known")
    assert unknown.severity == WARNING and unknown.unexpected_count == 1
    [row] = unknown.details["failing_rows"]
    assert (row["report_id"], row["code"], row["row_label"], row["file"], row["page"]) == \
        (R, "29901", "29901 不知所云事务", "r.pdf", 7)


def test_name_consistent_with_the_reference():
    reference = {"2010601": {"行政运行"}, "30108": {"机关事业单位基本养老保险缴费"}}
    codes = pd.Series(["2010601", "2010601", "30108", "2990101", "2010601"])
    labels = pd.Series(["2010601 行政运行", "2010601 财政国库业务", "30108 机关事业单位基本养老保险缴", "x", None])
    assert list(name_consistent(codes, labels, reference)) == [True, False, True, None, None]


def _outcomes(result) -> list[tuple]:
    """Per expectation: success, unexpected count and the failing rows shown (as a set: the order may differ)."""
    return [(r.details["index"], r.success, r.unexpected_count,
             sorted(json.dumps(row, sort_keys=True, ensure_ascii=False) for row in r.details.get("failing_rows", [])))
            for r in result.results]


def test_suites_validated_in_sql_agree_with_gx_on_every_row(context, tmp_path):
    """The raw suites run in DuckDB: SQL selects the rows that may fail and GX judges only those. On tables with a
    failure planted for every expectation (beside rows that pass), each expectation's verdict, unexpected count and
    failing rows are those of GX validating every row, and GX was given fewer rows than the table holds."""
    from gongkai.quality import validate_table
    from gongkai.quality.gx import validate_frame
    from gongkai.quality.in_sql import sql_checkable
    from gongkai.warehouse.schema import create_statements

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    for statement in create_statements():
        con.execute(statement)
    where = dict(file="r.pdf", page=7, line=12)
    good = [dict(report_id=R, table_family="expenditure", row_index=i, code=code, row_label=label, column_name=col,
                 value=v, cell_status="value", **where)
            for i, (code, label) in enumerate([("210", "210 卫生健康支出"), ("21011", "21011 行政事业单位医疗"),
                                               ("2101101", "2101101 行政单位医疗")])
            for col, v in (("total", 84.11), ("basic", 76.53), ("project", 7.58))]
    broken = [
        dict(report_id="b", table_family="expenditure", row_index=0, code="2101101", column_name="total", value=1.0,
             cell_status="value", **where),
        dict(report_id="b", table_family="expenditure", row_index=0, code="2101101", column_name="total", value=2.0,
             cell_status="value", **where),  # duplicate key
        dict(report_id="b", table_family="no_such_family", row_index=1, column_name="total", value=1.0,
             cell_status="value", **where),
        dict(report_id="b", table_family="expenditure", row_index=2, code="21O11", column_name="amount", value=-3.0,
             cell_status="blank", **where),  # malformed code, unknown column, value in a blank cell, negative
        dict(report_id="b", table_family="expenditure", row_index=3, code="29901", row_label="29901 不知所云事务",
             column_name="total", value=float("nan"), cell_status="value", **where),  # unknown code, NaN value
        dict(report_id="b", table_family="expenditure", row_index=4, code="2101101", row_label="2101101 财政国库业务",
             column_name="total", value=None, cell_status="maybe", category="capital", side="both", **where),
        dict(report_id="b", table_family="general_budget_basic_expenditure", row_index=5, code="3010", column_name="amount",
             value=1.0, cell_status="value", category="personnel", **where),
    ]
    cells = pd.DataFrame(good + broken)
    con.execute("INSERT INTO raw.table_cells BY NAME SELECT * FROM cells")
    facts = pd.DataFrame([
        dict(report_id=R, fact_key="income_total", value=5743.67, unit="万元", basis="reported", **where),
        dict(report_id=R, fact_key="income_total_change_amount", value=-2770.16, unit="万元", basis="reported", **where),
        dict(report_id="b", fact_key="expenditure_total", value=-1.0, unit="万元", basis="guessed", **where),
        dict(report_id="b", fact_key="sme_share_pct", value=175.0, unit="%", basis="reported", **where),
    ])
    con.execute("INSERT INTO raw.narrative_facts BY NAME SELECT * FROM facts")
    project = dict(report_id=R, project_name="辽宁省政务服务大厅运转经费", budget=1079.03, actual=1004.87,
                   execution_rate_pct=93.13, indicator_subtotal=90.0, execution_score=9.31, deduction=0.0,
                   total_score=99.31, **where)
    projects = pd.DataFrame([dict(project, project_index=1), dict(project, project_index=2, total_score=109.31),
                             dict(project, project_index=2, budget=-1.0, execution_score=None)])
    con.execute("INSERT INTO raw.performance_projects BY NAME SELECT * FROM projects")
    indicators = pd.DataFrame([
        dict(report_id=R, evaluation_kind="project", evaluation_index=1, indicator_index=i, level3="x", weight=w,
             score=s, **where)
        for i, (w, s) in enumerate([(10.0, 10.0), (10.0, 12.0), (120.0, None), (None, 5.0)])
    ] + [dict(report_id=R, evaluation_kind="region", evaluation_index=1, indicator_index=0, level3="x", weight=1.0,
              score=1.0, **where)])
    con.execute("INSERT INTO raw.performance_indicators BY NAME SELECT * FROM indicators")

    names = ["raw_table_cells", "raw_narrative_facts", "raw_performance_projects", "raw_performance_indicators"]
    assert all(sql_checkable(SUITES[n]) for n in names)
    for name in names:
        in_sql = validate_table(con, name, context)
        rows = con.execute(f"SELECT * FROM {SUITES[name].table}").df()
        every_row = validate_frame(SUITES[name], prepare_frame(name, rows), context)
        assert in_sql.rows == every_row.rows == len(rows), name
        assert not in_sql.success, name  # something planted failed
        assert _outcomes(in_sql) == _outcomes(every_row), name
        given = {r.details["rows_given_to_gx"] for r in in_sql.results}
        assert len(given) == 1 and given.pop() < len(rows), name


def test_a_suite_with_no_candidate_row_takes_gx_outcome_on_no_rows_recorded(context, tmp_path, monkeypatch):
    """Seed rows that pass give SQL no candidate row: GX validates no rows once, its outcome is recorded per suite
    fingerprint, and the next validation takes the record without running GX — the same results, standing for the
    table's rows."""
    from gongkai.quality import no_candidates, validate_table
    from gongkai.warehouse.schema import create_statements

    monkeypatch.setattr(no_candidates, "RECORDED_DIR", tmp_path / "no_candidates")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    for statement in create_statements():
        con.execute(statement)
    facts = pd.DataFrame([dict(report_id=R, fact_key="income_total", value=5743.67, unit="万元", basis="reported",
                               file="r.pdf", page=7, line=12)])
    con.execute("INSERT INTO raw.narrative_facts BY NAME SELECT * FROM facts")
    first = validate_table(con, "raw_narrative_facts", context)
    assert len(list((tmp_path / "no_candidates").glob("raw_narrative_facts-*.json"))) == 1

    def gx_must_not_run(*args, **kwargs):
        raise AssertionError("GX ran on no candidate row although its outcome was recorded")

    monkeypatch.setattr(no_candidates, "validate_frame", gx_must_not_run)
    again = validate_table(con, "raw_narrative_facts", context)
    assert first.success and again.success and again.rows == first.rows == 1
    assert [(r.expectation, r.column, r.success, r.unexpected_count, r.details) for r in again.results] == \
        [(r.expectation, r.column, r.success, r.unexpected_count, r.details) for r in first.results]
    assert all(r.details["rows_given_to_gx"] == 0 for r in again.results)


def test_gx_judges_only_the_expectations_a_candidate_row_may_fail(context, tmp_path, monkeypatch):
    """A share over 100 % and an unknown basis among passing narrative figures: GX runs those two expectations on the
    candidate rows, the other four take GX's outcome on no rows — and every expectation's verdict, unexpected count,
    failing rows and details are those of GX validating every row with the whole suite."""
    from gongkai.quality import in_sql, no_candidates, validate_table
    from gongkai.quality.gx import validate_frame
    from gongkai.quality.in_sql import standing_for
    from gongkai.warehouse.schema import create_statements

    monkeypatch.setattr(no_candidates, "RECORDED_DIR", tmp_path / "no_candidates")
    judged = []

    def spy(*args, only=None, **kwargs):
        judged.append(sorted(only))
        return validate_frame(*args, only=only, **kwargs)

    monkeypatch.setattr(in_sql, "validate_frame", spy)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    for statement in create_statements():
        con.execute(statement)
    where = dict(file="r.pdf", page=7, line=12)
    facts = pd.DataFrame([
        dict(report_id=R, fact_key="income_total", value=5743.67, unit="万元", basis="reported", **where),
        dict(report_id=R, fact_key="sme_share_pct", value=17.5, unit="%", basis="reported", **where),
        dict(report_id="b", fact_key="sme_share_pct", value=175.0, unit="%", basis="reported", **where),
        dict(report_id="b", fact_key="income_total", value=1.0, unit="万元", basis="guessed", **where),
    ])
    con.execute("INSERT INTO raw.narrative_facts BY NAME SELECT * FROM facts")
    name = "raw_narrative_facts"
    in_sql_result = validate_table(con, name, context)
    rows = con.execute(f"SELECT * FROM {SUITES[name].table}").df()
    every_row = standing_for(validate_frame(SUITES[name], prepare_frame(name, rows), context), len(rows))
    assert len(judged) == 1 and 0 < len(judged[0]) < len(SUITES[name].expectations)
    assert not in_sql_result.success
    assert _outcomes(in_sql_result) == _outcomes(every_row)
    given = {r.details.pop("rows_given_to_gx") for r in in_sql_result.results}
    assert given == {2}
    assert [{k: v for k, v in r.details.items() if k != "failing_rows"} for r in in_sql_result.results] == \
        [{k: v for k, v in r.details.items() if k not in ("failing_rows", "rows_given_to_gx")}
         for r in every_row.results]
