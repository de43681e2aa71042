"""The performance self-evaluation forms (绩效自评表): their scores add up, their execution rate follows from their
amounts, and the projects and funds the narrative states match them."""

from __future__ import annotations

from gongkai.extract.project_matching import match_project
from gongkai.extract.reconciliation_ledger import (
    ROUNDING,
    Ledger,
    coarse_rounding,
    pct_tolerance,
    percent_of,
    sum_known,
)
from gongkai.extract.reconciliation_narrative import NarrativeFacts
from gongkai.extract.records import CHECK_FAIL, CHECK_PASS, Check, ProjectEvaluation, Report
from gongkai.extract.text import squeeze

def check_performance(ledger: Ledger, report: Report, facts: NarrativeFacts | None = None) -> None:
    facts = facts or NarrativeFacts(report)
    for project in report.projects:
        subject = _project_subject(project)
        scores = [i.score for i in project.indicators]
        if project.indicator_subtotal is not None:  # a form printing no 小计 (Xi'an's) has nothing to check here
            ledger.equal(f"performance.subtotal.{subject}", "performance", project.indicator_subtotal,
                         None if None in scores else sum_known(scores), len(scores), project.source, tolerance=0.05)
        computed = _project_total(project, scores)
        ledger.equal(f"performance.total_score.{subject}", "performance", project.total_score, computed,
                     source=project.source, tolerance=0.05)
        ledger.equal(f"performance.execution_rate.{subject}", "performance", percent_of(project.actual, project.budget),
                     project.execution_rate_pct, source=project.source,
                     tolerance=pct_tolerance(project.actual, project.budget)
                     + coarse_rounding(project.execution_rate_pct))
        over = [i.level3 for i in project.indicators if i.score is not None and i.weight is not None
                and i.score > i.weight + 1e-9]
        ledger.checks.append(Check(f"performance.scores_within_weights.{subject}", "performance", 0.0,
                                   float(len(over)), 0.0, CHECK_FAIL if over else CHECK_PASS,
                                   ", ".join(over), project.source))
    for unit in report.unit_evaluations:
        scores = [i.score for i in unit.indicators] + [t.score for t in unit.tasks]
        ledger.equal(f"performance.unit_total_score.{unit.unit_code or unit.unit_name}", "performance",
                     unit.total_score, None if None in scores else sum_known(scores), len(scores), unit.source,
                     tolerance=0.05)
    _check_narrative_projects(ledger, report)
    for key, records in (("performance_project_funds", report.projects),
                         ("performance_unit_funds", report.unit_evaluations)):
        stated = facts.fact(key)
        budgets = [getattr(r, "budget", None) if key == "performance_project_funds" else r.budget_expenditure
                   for r in records]
        if stated is not None and records:
            ledger.equal(f"narrative.{key}", "narrative", None if None in budgets else sum_known(budgets), stated.value,
                         len(budgets), stated.source)
    for key, count in (("performance_projects_count", len(report.projects)),
                       ("performance_units_count", len(report.unit_evaluations))):
        stated = facts.fact(key)
        if stated is not None:
            ledger.equal(f"narrative.{key}", "narrative", float(count) if count else None, stated.value,
                         source=stated.source, tolerance=0.0,
                         detail="" if count else "the report prints no self-evaluation tables to count")


def _project_total(project: ProjectEvaluation, scores: list[float | None]) -> float | None:
    """总分 = 指标自评得分小计 + 执行率得分 − 减分; a form printing no 小计 (Xi'an's) adds up its indicator scores."""
    if project.execution_score is None:
        return None
    if project.indicator_subtotal is not None:
        return None if project.deduction is None else (
            project.indicator_subtotal + project.execution_score - project.deduction)
    if not scores or None in scores:
        return None
    return sum_known(scores) + project.execution_score - (project.deduction or 0.0)


def _project_subject(project: ProjectEvaluation) -> str:
    unit = f"@{project.implementing_unit}" if project.implementing_unit else ""
    return f"{squeeze(project.name)}{unit}"


def _check_narrative_projects(ledger: Ledger, report: Report) -> None:
    fields = {"project_budget": "budget", "project_actual": "actual", "project_execution_rate_pct":
              "execution_rate_pct", "project_score": "total_score"}
    compact_names = [squeeze(p.name) for p in report.projects]
    stated_amounts: dict[str, dict[str, float]] = {}
    for stated in report.narrative:
        if stated.key in ("project_budget", "project_actual") and stated.qualifier and stated.basis == "reported":
            stated_amounts.setdefault(stated.qualifier, {})[stated.key] = stated.value
    for stated in report.narrative:
        if stated.key not in fields or stated.qualifier is None or stated.basis != "reported":
            continue
        amounts = stated_amounts.get(stated.qualifier, {})
        budget, actual = amounts.get("project_budget"), amounts.get("project_actual")
        project = match_project(stated.qualifier, report.projects, compact_names, (budget, actual))
        attr = fields[stated.key]
        printed = getattr(project, attr) if project else None
        tolerance = 0.05 if attr != "budget" and attr != "actual" else ROUNDING
        if attr == "execution_rate_pct":  # a form's 86% against the narrative's 85.64%
            tolerance += coarse_rounding(printed)
        ledger.equal(f"narrative.{stated.key}.{_project_subject(project) if project else squeeze(stated.qualifier)}",
                     "narrative", printed, stated.value, 2, stated.source,
                     "" if project else _unmatched(budget, actual), tolerance=tolerance)


def _unmatched(budget: float | None, actual: float | None) -> str:
    """Why a stated project has nothing to be compared with."""
    if budget is None or actual is None:
        return "no self-evaluation table for this project (no form by its name)"
    return (f"no self-evaluation table for this project (no form by its name, nor a form of its unit printing "
            f"全年预算数 {budget:g} and 执行数 {actual:g})")
