"""Reconciliation on the seed report: which identities hold, and the report's own real inconsistencies as fails."""

from __future__ import annotations

from pathlib import Path

from conftest import SEED

from gongkai.extract.document import read_text_document
from gongkai.extract.parser import parse_document


def _by_name(report):
    return {c.name: c for c in report.checks}


def test_the_seeds_real_inconsistencies_fail_and_everything_else_passes(seed_report):
    failing = sorted(c.name for c in seed_report.checks if c.status == "fail")
    assert failing == [
        # narrative says 完成预算的 89% while its own table says 执行率 70.02% (47.61 / 68)
        "narrative.project_execution_rate_pct.全省营商环境建设项目经费@辽宁省数据局本级",
        "narrative.recomputed.project_execution_rate_pct.全省营商环境建设项目经费",
    ]
    assert [c.name for c in seed_report.checks if c.status == "not_run"] == []
    assert len(seed_report.checks) >= 300


def test_the_fail_reports_expected_actual_difference_and_tolerance(seed_report):
    check = _by_name(seed_report)["narrative.project_execution_rate_pct.全省营商环境建设项目经费@辽宁省数据局本级"]
    assert (check.expected, check.actual) == (70.02, 89.0)
    assert round(check.difference, 2) == 18.98
    assert check.tolerance > 0
    assert check.source.page > 0 and check.source.line > 0


def test_identities_inside_across_and_against_the_narrative(seed_report):
    checks = _by_name(seed_report)
    expected_passes = {
        "income_expenditure_summary.balanced": (5743.67, 5743.67),
        "income_expenditure_summary.income_grand_total": (5743.67, 5743.68),  # 5,741.50 + 2.18: 尾差 0.01
        "expenditure.row_total.2101101": (84.11, 84.11),
        "expenditure.children.21011.basic": (81.78, 81.78),
        "general_budget_expenditure.children.total.basic": (2685.81, 2685.81),
        "cross.basic_personnel_public": (2685.81, 2685.81),
        "cross.appropriation_general_budget": (5516.84, 5516.84),
        "general_budget_basic_expenditure.personnel_total": (2362.06, 2362.06),
        "three_public.children.total.actual": (11.96, 11.96),
        "narrative.three_public_total": (11.96, 11.96),
        "narrative.expenditure_basic": (2685.87, 2685.87),
        "narrative.personnel_expenditure": (2362.06, 2362.06),
        "narrative.performance_project_funds": (2984.23, 2984.23),
    }
    for name, (expected, actual) in expected_passes.items():
        check = checks[name]
        assert check.status == "pass", name
        assert round(check.expected, 2) == expected and round(check.actual, 2) == actual, name
    # 尾差: 01表 一般公共服务支出 4,669.97 + 572.83 + 89.36 + 184.75 = 5,516.91 against 本年支出合计 5,516.90
    tail = checks["income_expenditure_summary.expenditure_lines"]
    assert tail.status == "pass" and round(abs(tail.difference), 2) == 0.01


def test_a_changed_number_is_caught_by_the_identities():
    text = Path(SEED).read_text(encoding="utf-8").replace(
        "2101101 行政单位医疗 84.11 76.53 7.58", "2101101 行政单位医疗 84.11 76.53 9.58", 1
    )
    report = parse_document(read_text_document("mutated.txt", text.encode("utf-8")))
    failing = {c.name for c in report.checks if c.status == "fail"}
    assert "expenditure.row_total.2101101" in failing


def test_without_the_anchor_table_undecidable_columns_are_ambiguous_and_their_checks_not_run():
    # Without 一般公共预算财政拨款支出决算表, nothing tells which of the five part columns of 支出决算表 holds
    # "2010301 行政运行 1,744.54 1,744.54": the solver must say so instead of guessing.
    text = Path(SEED).read_text(encoding="utf-8").replace(
        "一般公共预算财政拨款支出决算表\n公开 05表", "一般公共预算财政拨款支出决算略表\n公开 05表", 1
    )
    report = parse_document(read_text_document("no_anchor.txt", text.encode("utf-8")))
    assert report.table("general_budget_expenditure") is None
    row = report.table("expenditure").row(code="2010301")
    assert row.value("total") == 1744.54
    basic = row.cell("basic")
    assert basic.status == "ambiguous" and basic.value is None and basic.original == "1,744.54"
    # not the last column: its parent's 1,846.52 (which includes it) is printed before the parent's 2,823.45
    assert set(basic.candidates) == {"basic", "project", "remittance_to_superior", "business"}
    assert any(i.kind == "ambiguous_column" and "1,744.54" in i.message for i in report.issues)
    checks = _by_name(report)
    assert checks["expenditure.children.20103.basic"].status == "not_run"
