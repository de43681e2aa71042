"""Parsing a report file into a :class:`Report`: identity, tables, narrative, performance, reconciliation.

Unreadable input raises :class:`ParseError` with a stable ``kind``; anything the parser could read only in part is
returned together with :class:`ParseIssue` records, never as a bare traceback.
"""

from __future__ import annotations

from pathlib import Path

from gongkai.extract.document import DocumentError, read_document
from gongkai.extract.identity import read_identity
from gongkai.extract.narrative import read_narrative_facts
from gongkai.extract.performance import read_performance
from gongkai.extract.reconciliation import reconcile
from gongkai.extract.records import Document, ParseIssue, Report
from gongkai.extract.table_builder import TableBuilder
from gongkai.extract.tables import find_tables

EXPECTED_FAMILIES = (
    "income_expenditure_summary",
    "income",
    "expenditure",
    "appropriation_summary",
    "general_budget_expenditure",
    "general_budget_basic_expenditure",
    "three_public",
)


class ParseError(Exception):
    """The file is not a readable report. ``kind`` is stable (empty_file, unknown_encoding, not_a_report, …)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def parse_file(path: str | Path, display_path: str | None = None) -> Report:
    try:
        document = read_document(path)
    except DocumentError as error:
        raise ParseError(error.kind, str(error)) from None
    if display_path is not None:
        document.file = display_path
    return parse_document(document)


def parse_document(document: Document) -> Report:
    identity = read_identity(document.lines)
    report = Report(
        file=document.file,
        sha256=document.sha256,
        format=document.format,
        department=identity.department,
        fiscal_year=identity.fiscal_year,
        kind=identity.kind,
        units_in_scope=identity.units_in_scope,
        pages=document.pages,
        encoding=document.encoding,
        size=document.size,
    )
    report.issues.extend(_page_issues(document))
    if identity.is_government_accounts:
        raise ParseError("not_a_report", "this is a government's overall final accounts (总决算), "
                                         "not a department report")
    if identity.kind == "budget":
        report.issues.append(ParseIssue("warning", "budget_not_supported",
                                        f"{document.file} is a budget (预算) report: its tables are not read yet; "
                                        "only its identity is recorded"))
        return report
    builder = TableBuilder(document.file)
    report.tables = _read_tables(document, builder)
    report.issues.extend(builder.issues)
    if not report.tables and identity.department is None and identity.fiscal_year is None:
        raise ParseError("not_a_report", "no report title, year or standard table found: not a department report")
    facts, issues = read_narrative_facts(document, identity.fiscal_year)
    report.narrative = facts
    report.issues.extend(issues)
    projects, units, issues = read_performance(document)
    report.projects, report.unit_evaluations = projects, units
    report.issues.extend(issues)
    report.issues.extend(_missing_tables(report))
    report.checks = reconcile(report)
    return report


def _read_tables(document: Document, builder: TableBuilder):
    if document.format == "pdf":
        from gongkai.extract.pdf_tables import read_pdf_tables

        tables, issues = read_pdf_tables(document)
        builder.issues.extend(issues)
        return tables
    return builder.build(find_tables(document.lines))


def _page_issues(document: Document) -> list[ParseIssue]:
    issues = []
    for page in document.pages:
        if page.status in ("scanned", "cid", "garbled", "error"):
            issues.append(ParseIssue("warning", f"page_{page.status}",
                                     f"page {page.page} is {page.status}: its text could not be read"))
    return issues


def _missing_tables(report: Report) -> list[ParseIssue]:
    if report.kind != "final":
        return []
    present = {t.family for t in report.tables}
    return [ParseIssue("warning", "table_missing", f"no {family} table found")
            for family in EXPECTED_FAMILIES if family not in present]
