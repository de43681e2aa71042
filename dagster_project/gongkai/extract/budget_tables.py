"""Reading the tables of a budget (部门预算) with the PDF table reader of :mod:`pdf_tables`, on the budget families.

Amounts printed in 元 are converted to 万元 (the printed unit is kept on the table); blanks stay NULL.
"""

from __future__ import annotations

from gongkai.extract.budget_families import BUDGET_TABLES
from gongkai.extract.budget_projects import mark_projects
from gongkai.extract.records import Document, ParseIssue, PerformanceTarget, Table

EXPECTED_BUDGET_FAMILIES = (
    "budget_summary",
    "budget_income",
    "budget_expenditure",
    "budget_appropriation_summary",
    "budget_general_expenditure",
    "budget_general_basic",
    "budget_three_public",
)


def read_budget_tables(document: Document) -> tuple[list[Table], list[ParseIssue]]:
    """The budget tables of a PDF document; a text document's budget tables are not read (an issue says so)."""
    if document.format != "pdf":
        return [], [ParseIssue("warning", "budget_tables_not_read",
                               "the tables of a budget are read from PDF files only")]
    from gongkai.extract.pdf_tables import read_pdf_tables

    tables, issues = read_pdf_tables(document, family_set=BUDGET_TABLES)
    for table in tables:
        mark_projects(table)
    return tables, issues


def read_budget_targets(document: Document) -> list[PerformanceTarget]:
    """The performance-target tables (绩效目标表, with indicators) and the lists of projects' goals (重点项目绩效目标) of a
    PDF budget, in order of appearance; none are read from a text document."""
    if not document.geometry:
        return []
    from gongkai.extract.pdf_performance_targets import read_target_tables
    from gongkai.extract.pdf_target_goal_lists import read_goal_lists

    targets = read_target_tables(document) + read_goal_lists(document)
    return sorted(targets, key=lambda target: (target.source.page, target.source.line))


def missing_budget_tables(tables: list[Table]) -> list[ParseIssue]:
    present = {t.family for t in tables}
    return [ParseIssue("warning", "table_missing", f"no {family} table found")
            for family in EXPECTED_BUDGET_FAMILIES if family not in present]
