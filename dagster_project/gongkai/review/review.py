"""Reviewing a report (审核): read it, parse it, run every rule, and return its findings in page order."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

from gongkai.extract.document import DocumentError, read_document
from gongkai.extract.parser import ParseError, parse_document
from gongkai.extract.records import Document, Report
from gongkai.review import (completeness, consistency, contents, narrative_numbers, stated_amounts, stated_classes,
                            stated_parts, table_checks, text_slips)
from gongkai.review.findings import Finding, ordered
from gongkai.review.prose import running_text


@dataclass(slots=True)
class Review:
    """A report's review: its findings, and why the tables could not be judged (a parse error) if they could not."""

    file: str
    department: str | None
    fiscal_year: int | None
    kind: str | None
    findings: list[Finding] = field(default_factory=list)
    parse_error: str | None = None


@dataclass(slots=True)
class ReviewedReport(Report):
    """A parsed report together with its review findings (what the loader stores in raw.review_findings)."""

    findings: list[Finding] = field(default_factory=list)


def parse_and_review(path: str | Path) -> ReviewedReport:
    """Parse a report file and review it, reading the file once; raises :class:`ParseError` like ``parse_file``."""
    try:
        document = read_document(path)
    except DocumentError as error:
        raise ParseError(error.kind, str(error)) from None
    report = parse_document(document)
    reviewed = ReviewedReport(**{f.name: getattr(report, f.name) for f in fields(Report)})
    reviewed.findings = review_document(document, report).findings
    return reviewed


def review_file(path: str | Path, display_path: str | None = None) -> Review:
    document = read_document(path)
    if display_path is not None:
        document.file = display_path
    try:
        report = parse_document(document)
    except ParseError as error:
        report, parse_error = None, f"[{error.kind}] {error}"
    else:
        parse_error = None
    review = review_document(document, report)
    review.parse_error = parse_error
    return review


def review_document(document: Document, report: Report | None) -> Review:
    """Every finding on a report; ``report`` is None when the file could be read but not parsed (text rules only).
    A line whose stated amount was judged against the cell it names (which names the table and its page) is not
    judged again by the reconciliation's narrative check."""
    by_place = {(line.page, line.line): line.text for line in document.lines}
    line_text = lambda page, line: by_place.get((page, line), "")  # noqa: E731
    prose = running_text(document.lines)
    stated, judged = stated_amounts.review(prose, report, document.lines)
    classes, classes_judged = stated_classes.review(prose, report, document.lines)
    stated, judged = stated + classes, judged | classes_judged
    findings = stated + [f for f in narrative_numbers.review(prose, report, document.lines, line_text)
                         if f.rule != "narrative_vs_table" or (f.page, f.line) not in judged]
    findings += table_checks.review(report, line_text) + stated_parts.review(prose) \
        + text_slips.review(document.lines, prose) \
        + consistency.review(document.lines, report, prose) \
        + completeness.review(document.lines, report) \
        + contents.review(document.lines, report)
    return Review(document.file, report.department if report else None, report.fiscal_year if report else None,
                  report.kind if report else None, ordered(_one_per_defect(findings)))


def _one_per_defect(findings: list[Finding]) -> list[Finding]:
    """A comparison word pointing the wrong way also makes its percentage fail to recompute (减少 … 增长 1.87%):
    the line's comparison finding says it, the percentage finding is dropped."""
    wrong_words = {(f.page, f.line) for f in findings if f.rule == "comparison_word"}
    return [f for f in findings if not (f.rule == "stated_percentage" and (f.page, f.line) in wrong_words)]
