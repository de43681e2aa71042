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
from gongkai.extract.records import Document, ParseIssue, Report, Source
from gongkai.extract.table_builder import TableBuilder
from gongkai.extract.table_sets import EXPECTED_FAMILIES, table_set
from gongkai.extract.tables import find_tables

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
        printed_date=identity.printed_date,
    )
    report.issues.extend(_page_issues(document))
    _refuse_unreadable(document, identity)
    if identity.is_government_accounts:
        raise ParseError("not_a_report", "this is a government's overall final accounts (总决算), "
                                         "not a department report")
    if identity.is_template:
        raise ParseError("not_a_report", f"a blank template (样张) of a report, not a report: its department is a "
                                         f"placeholder ({identity.department})")
    if identity.kind == "budget":
        return _parse_budget(document, report)
    builder = TableBuilder(document.file)
    report.tables = _read_tables(document, builder)
    report.issues.extend(builder.issues)
    if not report.tables and identity.department is None:
        found = f"only a year ({identity.fiscal_year})" if identity.fiscal_year else "no report title or year"
        raise ParseError("not_a_report", f"no department name and no standard table found ({found}): "
                                         "not a department report")
    facts, issues = read_narrative_facts(document, identity.fiscal_year)
    report.narrative = facts
    report.issues.extend(issues)
    _refuse_blank(report)
    projects, units, issues = read_performance(document)
    report.projects, report.unit_evaluations = projects, units
    report.issues.extend(issues)
    report.issues.extend(_missing_tables(report))
    report.checks = reconcile(report)
    return report


def _parse_budget(document: Document, report: Report) -> Report:
    """A budget (预算): its tables, its performance targets (绩效目标表), the figures its narrative states, and the
    identities between them. The budget modules are imported here: a final never uses them."""
    from gongkai.extract.budget_narrative import read_budget_narrative
    from gongkai.extract.budget_reconciliation import reconcile_budget
    from gongkai.extract.budget_tables import missing_budget_tables, read_budget_tables, read_budget_targets

    tables, issues = read_budget_tables(document)
    report.tables = tables
    report.issues.extend(issues)
    report.issues.extend(missing_budget_tables(tables))
    report.targets = read_budget_targets(document)
    report.narrative = read_budget_narrative(document, report.fiscal_year)
    _refuse_blank(report)
    report.checks = reconcile_budget(report)
    return report


def _read_tables(document: Document, builder: TableBuilder):
    if document.format == "pdf":
        from gongkai.extract.pdf_tables import read_pdf_tables

        tables, issues = read_pdf_tables(document)
        builder.issues.extend(issues)
        return tables
    raw_tables = find_tables(document.lines)
    if raw_tables and document.lines:
        last = raw_tables[-1]
        end = last.body[-1] if last.body else last.title_line
        if not last.has_note and end is document.lines[-1]:
            builder.issues.append(ParseIssue(
                "warning", "table_truncated",
                f"the file ends inside the {last.family.title} ({last.family.key}) with no notes (注：) after it: "
                "the table may be cut off", Source(document.file, end.page, end.line)))
    return builder.build(raw_tables)


def _refuse_unreadable(document: Document, identity) -> None:
    """A document none of whose pages has readable text (every page scanned, (cid:N) or garbled) is refused as
    'no_readable_text' rather than 'not_a_report': it may well be a report, only not one that can be read."""
    if identity.department is not None or identity.fiscal_year is not None:
        return
    statuses = [page.status for page in document.pages]
    unreadable = [s for s in statuses if s in ("scanned", "cid", "garbled", "error")]
    if unreadable and all(s in ("scanned", "cid", "garbled", "error", "empty") for s in statuses):
        counts = ", ".join(f"{unreadable.count(s)} {s}" for s in ("scanned", "cid", "garbled", "error")
                           if s in unreadable)
        hint = " (images only: it needs OCR)" if set(unreadable) == {"scanned"} else ""
        raise ParseError("no_readable_text", f"none of the {len(statuses)} pages of {Path(document.file).name} has "
                                             f"readable text: {counts}{hint}")


def _refuse_blank(report: Report) -> None:
    """Tables that print their rows but no amount at all, and a text that states no figure: a blank template (样张) of
    a report, also where its department is no placeholder — a report always prints its totals."""
    rows = [row for table in report.tables for row in table.rows]
    if not rows or report.narrative or any(cell.value is not None for row in rows for cell in row.cells):
        return
    raise ParseError("not_a_report", f"a blank template (样张) of a report, not a report: none of its "
                                     f"{len(report.tables)} tables prints an amount in its {len(rows)} rows and its "
                                     "text states no figure (or none that gongkai can read)")


def _page_issues(document: Document) -> list[ParseIssue]:
    issues = []
    if document.pages_total and document.pages_total > len(document.pages):
        issues.append(ParseIssue("warning", "page_limit", f"only the first {len(document.pages)} of "
                                 f"{document.pages_total} pages were read (page limit)"))
    if document.reader == "pdfplumber":
        issues.append(ParseIssue("warning", "pdf_fallback_reader", "PDFium could not open this file: it was read "
                                 "with pdfplumber (pdfminer), the slower fallback reader"))
    for page in document.pages:
        if page.status in ("scanned", "cid", "garbled", "error"):
            issues.append(ParseIssue("warning", f"page_{page.status}",
                                     f"page {page.page} is {page.status}: its text could not be read"))
    return issues


def _missing_tables(report: Report) -> list[ParseIssue]:
    if report.kind != "final":
        return []
    present = {t.family for t in report.tables}
    name, _ = table_set(report)
    return [ParseIssue("warning", "table_missing", f"no {family} table found")
            for family in EXPECTED_FAMILIES[name] if family not in present]
