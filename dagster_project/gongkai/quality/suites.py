"""The suites: what each raw table and mart must satisfy (``SUITES``, keyed by asset / table name). The shapes are in
gongkai.quality.specs; the helper columns are SQL (gongkai.quality.raw_columns, gongkai.quality.mart_columns).
"""

from __future__ import annotations

import re

from gongkai.extract.budget_families import BUDGET_FAMILIES, SOURCE_COLUMNS
from gongkai.extract.families import FAMILIES, FAMILY_BY_KEY, SUMMARY_PANEL_CLASSIFICATIONS, SUPPLEMENTARY_ITEMS
from gongkai.quality import mart_columns, raw_columns
from gongkai.quality.specs import (
    ERROR,
    TOLERANCE,
    WARNING,
    ExpectationSpec,
    SqlColumns,
    SuiteSpec,
    a_ge_b,
    between,
    compound_unique,
    in_set,
    is_partitionable,
    is_true,
    non_negative,
    not_null,
    pct,
    regex,
    unique,
    within_tolerance,
)

FUNCTION_CODE_RE = r"^\d{3}(?:\d{2}){0,2}$"
ECONOMIC_CODE_RE = r"^\d{3}(?:\d{2}){0,2}$"  # 类 / 款, and the 7-digit subdivision of a 款 some budgets print
FINAL_FAMILIES = tuple(f.key for f in FAMILIES)
ALL_FAMILIES = FINAL_FAMILIES + tuple(f.key for f in BUDGET_FAMILIES)
PROJECT_TABLES = ("project_expenditure", "project_income_expenditure")
ECONOMIC_DETAIL_SCOPES = ("appropriation", "general_budget", "agency_operating_cost", "project")
DISCLOSURE_TABLES = ("three_public_operating", "operations_assets_procurement")
DISCLOSURE_ITEMS = tuple(dict.fromkeys(key for key, _ in SUPPLEMENTARY_ITEMS.items))
DISCLOSURE_COLUMNS = tuple(dict.fromkeys(c for t in DISCLOSURE_TABLES for c in FAMILY_BY_KEY[t].columns))
PROVENANCE = ("file", "page", "line")  # where the row is printed: the loader never stores a cell without them
THREE_PUBLIC_ITEMS = ("total", "overseas_travel", "reception", "vehicle_total", "vehicle_purchase", "vehicle_operation",
                      "meeting", "training")  # 会议费, 培训费: printed beside 三公 by some, not parts of its total


# --- the suites -------------------------------------------------------------------------------------------------

def _provenance() -> list[ExpectationSpec]:
    return [not_null(column) for column in PROVENANCE]


def _suite(name: str, table: str, expectations: list[ExpectationSpec], sql_columns: SqlColumns | None = None,
           description: str = "", partition_column: str | None = None) -> SuiteSpec:
    spec = SuiteSpec(name, table, tuple(expectations), description, partition_column, sql_columns)
    assert partition_column is None or is_partitionable(spec, partition_column), name
    return spec


def _supplementary_coded_suite(name: str, split: str, split_values: tuple[str, ...], kind: str,
                               amounts: tuple[str, ...], description: str) -> SuiteSpec:
    """A mart of the coded rows of supplementary tables: a row per report, ``split`` and ``<kind>_code`` (类/款/项),
    the code in its dimension, amounts never negative, every row traceable."""
    code = f"{kind}_code"
    return _suite(name, f"marts.{name}", [
        not_null("report_id"), not_null(split), not_null(code),
        compound_unique(["report_id", split, code]),
        in_set(split, list(split_values)),
        regex(code, FUNCTION_CODE_RE if kind == "function" else ECONOMIC_CODE_RE),
        is_true("_code_in_dim", ERROR, f"{kind} code present in dim_{kind}_class"),
        in_set("level", [1, 2, 3]),
        *(non_negative(c) for c in amounts),
        *_provenance(),
    ], mart_columns.code_in_dim(code, kind), description, "report_id")


_FUNCTION_KEYS_EXP = ["report_id", "scope", "function_code"]
_EXP_COLUMNS = ["total", "basic", "project", "remittance_to_superior", "business", "subsidy_to_affiliates"]
_INC_COLUMNS = ["total", "fiscal_appropriation", "superior_subsidy", "public_service_revenue", "business_revenue",
                "affiliated_remittance", "other_revenue"]

_SUITE_LIST: list[SuiteSpec] = [
    # raw ------------------------------------------------------------------------------------------------------
    _suite("raw_report_files", "raw.report_files", [
        not_null("report_id"), not_null("path"), compound_unique(["report_id", "path"]),
        in_set("status", ["loaded", "failed", "skipped", "duplicate"]),
        in_set("kind", ["final", "budget"]),
        between("_current_versions_at_path", 1, 1, ERROR, "one current version per path"),
        between("fiscal_year", 2000, 2100, WARNING),
    ], raw_columns.report_files, "One row per file version; one current version per path."),
    _suite("raw_table_cells", "raw.table_cells", [
        not_null("report_id"), not_null("table_family"), not_null("column_name"),
        compound_unique(["report_id", "table_family", "row_index", "column_name"]),
        in_set("table_family", list(ALL_FAMILIES)),
        in_set("cell_status", ["value", "blank", "ambiguous"]),
        is_true("_column_known", ERROR, "column key belongs to the family"),
        is_true("_value_matches_status", ERROR, "value NULL exactly when the cell is blank"),
        regex("_function_code", FUNCTION_CODE_RE), regex("_economic_code", ECONOMIC_CODE_RE),
        is_true("_function_code_known", WARNING,
                "function code in the classification reference, or under a parent code that is"),
        is_true("_economic_code_known", WARNING,
                "economic code in the classification reference, or under a parent code that is"),
        is_true("_function_name_consistent", WARNING, "function code printed with a name it has in other reports"),
        is_true("_economic_name_consistent", WARNING, "economic code printed with a name it has in other reports"),
        in_set("category", ["personnel", "public", "group", "project", *(key for key, _ in SUMMARY_PANEL_CLASSIFICATIONS)]),
        in_set("side", ["income", "expenditure"]),
        non_negative("value"),
    ], raw_columns.table_cells, "Long-form cells: keys, well-formed codes, known columns, value vs status.",
        "report_id"),
    _suite("raw_narrative_facts", "raw.narrative_facts", [
        not_null("report_id"), not_null("fact_key"), not_null("value"),
        in_set("basis", ["reported", "comparative", "derived"]),
        between("_level_value", 0, None, WARNING, "stated amount ≥ 0 (changes from last year excepted)"),
        pct("_share_pct"),
    ], raw_columns.narrative_facts, "Narrative figures.", "report_id"),
    _suite("raw_performance_projects", "raw.performance_projects", [
        not_null("report_id"), not_null("project_name"), compound_unique(["report_id", "project_index"]),
        pct("total_score"), non_negative("budget"), non_negative("actual"), between("execution_rate_pct", 0, None),
        within_tolerance("_score_gap", WARNING, "total = indicator subtotal + execution score − deduction"),
    ], raw_columns.performance_projects, "Project self-evaluations.", "report_id"),
    _suite("raw_performance_indicators", "raw.performance_indicators", [
        compound_unique(["report_id", "evaluation_kind", "evaluation_index", "indicator_index"]),
        in_set("evaluation_kind", ["project", "unit"]),
        pct("score"), pct("weight"),
        a_ge_b("weight", "score", WARNING, "indicator score ≤ weight"),
    ], None, "Indicator rows of self-evaluations.", "report_id"),
    _suite("raw_reconciliation_checks", "raw.reconciliation_checks", [
        not_null("report_id"), not_null("check_name"),
        in_set("status", ["pass", "fail", "not_run"]),
        between("tolerance", 0, None, ERROR),
    ], None, "The loader's identity checks.", "report_id"),
    # marts ----------------------------------------------------------------------------------------------------
    _suite("fct_expenditure_by_function", "marts.fct_expenditure_by_function", [
        not_null("report_id"), not_null("function_code"), compound_unique(_FUNCTION_KEYS_EXP),
        in_set("scope", ["all_funds", "general_budget"]),
        regex("function_code", FUNCTION_CODE_RE),
        is_true("_code_in_dim", ERROR, "function code present in dim_function_class"),
        non_negative("total"), non_negative("basic"), non_negative("project"),
        within_tolerance("_identity_gap", WARNING, "total = basic + project (+ other columns) within 0.05"),
        within_tolerance("_children_gap_total", WARNING, "parent total = Σ children within 0.05"),
        within_tolerance("_children_gap_basic", WARNING, "parent basic = Σ children within 0.05"),
        within_tolerance("_children_gap_project", WARNING, "parent project = Σ children within 0.05"),
    ], mart_columns.function_fact(["report_id", "scope"], _EXP_COLUMNS), "Expenditure by function code.", "report_id"),
    _suite("fct_income_by_function", "marts.fct_income_by_function", [
        not_null("report_id"), not_null("function_code"), compound_unique(["report_id", "function_code"]),
        regex("function_code", FUNCTION_CODE_RE),
        is_true("_code_in_dim", ERROR, "function code present in dim_function_class"),
        non_negative("total"),
        within_tolerance("_identity_gap", WARNING, "total = Σ income sources within 0.05"),
        within_tolerance("_children_gap_total", WARNING, "parent total = Σ children within 0.05"),
    ], mart_columns.function_fact(["report_id"], _INC_COLUMNS), "Income by function code.", "report_id"),
    _suite("fct_basic_expenditure_by_economic_class", "marts.fct_basic_expenditure_by_economic_class", [
        not_null("report_id"), not_null("economic_code"), compound_unique(["report_id", "economic_code"]),
        regex("economic_code", ECONOMIC_CODE_RE),
        is_true("_code_in_dim", ERROR, "economic code present in dim_economic_class"),
        in_set("category", ["personnel", "public"]),
        non_negative("amount"),
        within_tolerance("_children_gap_amount", WARNING, "类 = Σ款 within 0.05"),
    ], mart_columns.economic_fact, "Basic expenditure by economic code.", "report_id"),
    _supplementary_coded_suite("fct_project_expenditure_by_function", "source_table", PROJECT_TABLES, "function",
                               ("carryover_begin", "income", "total", "basic", "project", "carryover_end"),
                               "Project spending by function code (supplementary tables)."),
    _supplementary_coded_suite("fct_expenditure_by_economic_class", "scope", ECONOMIC_DETAIL_SCOPES, "economic",
                               ("total", "basic", "project", "amount"),
                               "Spending by economic code (supplementary tables)."),
    _suite("fct_operations_disclosure", "marts.fct_operations_disclosure", [
        not_null("report_id"), not_null("source_table"), not_null("item"), not_null("column_name"),
        compound_unique(["report_id", "source_table", "item", "column_name"]),
        in_set("source_table", list(DISCLOSURE_TABLES)), in_set("item", list(DISCLOSURE_ITEMS)),
        in_set("column_name", list(DISCLOSURE_COLUMNS)), in_set("unit", ["万元", "count"]),
        in_set("cell_status", ["value", "blank", "ambiguous"]),
        non_negative("value"),
        *_provenance(),
    ], None, "三公 / 机关运行经费 / 国有资产 / 政府采购 tables beyond the standard nine.", "report_id"),
    _suite("fct_budget_income_by_source", "marts.fct_budget_income_by_source", [
        not_null("report_id"), not_null("source"), compound_unique(["report_id", "source"]),
        in_set("source", list(SOURCE_COLUMNS)), in_set("basis", ["income_table", "income_table_lines", "summary", "narrative"]),
        non_negative("amount"), non_negative("income_total"),
        within_tolerance("_sources_gap", WARNING, "income total = Σ counted sources within 0.05"),
    ], mart_columns.sources_gap(["report_id"], "income_total"), "A budget's income by source of funds.", "report_id"),
    _suite("fct_budget_expenditure_by_source", "marts.fct_budget_expenditure_by_source", [
        not_null("report_id"), not_null("source"), compound_unique(["report_id", "scope", "row_index", "source"]),
        in_set("scope", ["all_funds", "basic", "project"]), in_set("line_kind", ["total", "function", "economic", "line"]),
        in_set("source", list(SOURCE_COLUMNS)), regex("function_code", FUNCTION_CODE_RE),
        non_negative("amount"), non_negative("line_total"),
        within_tolerance("_sources_gap", WARNING, "line total = Σ counted sources within 0.05"),
        *_provenance(),
    ], mart_columns.sources_gap(["report_id", "scope", "row_index"], "line_total"), "A budget's expenditure by source of funds.",
        "report_id"),
    _suite("fct_three_public", "marts.fct_three_public", [
        not_null("report_id"), compound_unique(["report_id", "item"]),
        in_set("item", list(THREE_PUBLIC_ITEMS)),
        non_negative("budget"), non_negative("actual"), between("completion_pct", 0, None),
        within_tolerance("_parts_gap_actual", WARNING,
                         "合计 = 出国 + 接待 + 用车; 用车 = 购置 + 运行维护 (actual) within 0.05"),
    ], mart_columns.three_public, "三公 by item.", "report_id"),
    _suite("fct_procurement", "marts.fct_procurement", [
        not_null("report_id"), unique("report_id"),
        between("_sme_over_total", None, TOLERANCE, WARNING, "SME amount ≤ procurement total (within 0.05)"),
        a_ge_b("sme_amount", "small_micro_amount", WARNING, "小微 ≤ SME"),
        non_negative("total"), non_negative("sme_amount"),
        pct("sme_share_pct"), pct("small_micro_share_pct"), pct("sme_share_goods_pct"), pct("sme_share_works_pct"),
        pct("sme_share_services_pct"),
        within_tolerance("_parts_gap", WARNING, "goods + works + services = total within 0.05"),
    ], mart_columns.procurement, "Government procurement, one row per report.", "report_id"),
    _suite("fct_budget_procurement", "marts.fct_budget_procurement", [
        not_null("report_id"), not_null("row_index"), compound_unique(["report_id", "row_index"]),
        not_null("is_category"), in_set("procurement_kind", ["goods", "works", "services"]),
        regex("function_code", FUNCTION_CODE_RE), non_negative("quantity"), non_negative("total"),
    ], None, "A budget's 政府采购 table, one row per budget report × row below its 合计.", "report_id"),
    _suite("fct_project_performance", "marts.fct_project_performance", [
        not_null("report_id"), compound_unique(["report_id", "project_index"]), not_null("project_name"),
        pct("total_score"), between("execution_rate_pct", 0, None), non_negative("budget"), non_negative("actual"),
        within_tolerance("_score_gap", WARNING, "total = indicator subtotal + execution score − deduction"),
    ], mart_columns.project_performance, "Project self-evaluations.", "report_id"),
    _suite("fct_budget_performance_target", "marts.fct_budget_performance_target", [
        not_null("report_id"), not_null("level3"),
        compound_unique(["report_id", "file", "target_index", "indicator_index"]),
        in_set("target_kind", ["project", "unit"]), in_set("comparator", [">=", "<=", "=", ">", "<"]),
        non_negative("weight"), non_negative("target_value"),
    ], None, "Indicators of budgets' performance-target tables (绩效目标表).", "report_id"),
    _suite("fct_report_summary", "marts.fct_report_summary", [
        not_null("report_id"), unique("report_id"),
        non_negative("income_total"), non_negative("expenditure_total"), non_negative("three_public_total"),
        pct("sme_share_pct"), pct("mean_project_score"),
        between("reconciliation_fails", 0, None, ERROR),
        within_tolerance("_identity_gap", WARNING, "expenditure total = basic + project within 0.05"),
    ], mart_columns.report_summary, "One row per report.", "report_id"),
    _suite("dim_function_class", "marts.dim_function_class", [
        not_null("code"), unique("code"), regex("code", FUNCTION_CODE_RE), in_set("level", [1, 2, 3]),
    ], None, "Function classification."),
    _suite("dim_economic_class", "marts.dim_economic_class", [
        not_null("code"), unique("code"), regex("code", ECONOMIC_CODE_RE), in_set("level", [1, 2, 3]),
    ], None, "Economic classification."),
    # comparison across departments and years (docs/comparison.md): validated per department whose rows changed ---
    _suite("fct_department_year", "marts.fct_department_year", [
        not_null("department_id"), not_null("year"), compound_unique(["department_id", "year"]),
        in_set("basis", ["report", "comparative", "budget"]),
        non_negative("expenditure_total"), non_negative("three_public_total"), non_negative("agency_operating_cost"),
        pct("sme_share_pct"), pct("mean_project_score"),
        non_negative("budget_expenditure_total"), non_negative("procurement_budget"),
    ], None, "One row per department × year (report, comparative or budget basis), its budget beside its final.",
        "department_id"),
    _suite("fct_department_year_change", "marts.fct_department_year_change", [
        not_null("department_id"), compound_unique(["department_id", "year", "metric"]),
        in_set("check_status", ["pass", "fail", "not_run"]),
        in_set("check_status", ["pass", "not_run"], WARNING,
               "computed change = stated change (amount and %, within 0.05) wherever last year is known independently"),
    ], None, "Year-on-year change checked against the stated change.", "department_id"),
    _suite("fct_department_year_rank", "marts.fct_department_year_rank", [
        not_null("department_id"), compound_unique(["department_id", "year", "metric"]),
        between("region_rank", 1, None, ERROR), between("province_rank", 1, None, ERROR),
        pct("region_percentile", ERROR), pct("province_percentile", ERROR),
    ], None, "Rank and percentile within region and province.", "department_id"),
    _suite("fct_project_performance_distribution", "marts.fct_project_performance_distribution", [
        compound_unique(["grain", "department_id", "year", "measure"]),
        in_set("grain", ["department_year", "year", "overall"]),
        in_set("measure", ["execution_rate_pct", "total_score"]),
        pct("below_threshold_share_pct", ERROR),
    ], None, "Distribution of project execution rates and scores.", "department_id"),
    _suite("comparative_reconciliation", "quality.comparative_reconciliation", [
        not_null("fact_key"), in_set("status", ["pass", "fail", "not_run"]),
        within_tolerance("difference", WARNING, "a later report's comparative = the year's own figure within 0.05"),
    ], None, "Comparatives of a later report vs the year's own report.", "department_id"),
    _suite("reconciliation", "quality.reconciliation", [
        not_null("report_id"), in_set("status", ["pass", "fail", "not_run"]),
        compound_unique(["report_id", "check_name"], WARNING),
    ], None, "Reconciliation checks of current reports.", "report_id"),
]

SUITES: dict[str, SuiteSpec] = {s.name: s for s in _SUITE_LIST}
"""Suites keyed by asset / table name (raw_<table> for raw tables; the mart's name for marts)."""

assert all(re.fullmatch(r"[a-z_]+", n) for n in SUITES)
