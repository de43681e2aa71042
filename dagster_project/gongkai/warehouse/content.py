"""The content fingerprint of a parsed report: two files that say the same thing are one report.

The same report arrives as UTF-8 and GBK text, as a PDF and a text dump of it, or as a PDF re-saved with other
bytes (metadata, object order). Their sha256 differ; what they say does not. The fingerprint is a sha256 over the
report's identity (department, fiscal year, kind) and its content — every non-blank table cell (table family, row
key, column, value), every narrative fact (key, qualifier, value, unit, year, basis) and every performance-target
table of a budget (绩效目标表: kind, name, amounts, goal, each indicator's names, target and 分值) — normalized (Unicode
NFKC, no whitespace, values to the cent) and sorted, so that where a value sits (file, page, line, row order) and how it
was printed (encoding, original text) do not count.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata

from gongkai.extract.records import PerformanceTarget, Report


def _text(value: str | None) -> str:
    return "".join(unicodedata.normalize("NFKC", value or "").split())


def _amount(value: float | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _row_key(row) -> str:
    """A table row by what it is, not where it is: its classification code, else its item key, else its label."""
    return row.code or row.item or _text(row.label)


def _target(target: PerformanceTarget) -> list:
    """A performance-target table (绩效目标表) by what it says: its amounts, goal and indicators, not where it is."""
    indicators = sorted(
        (_text(i.level1), _text(i.level2), _text(i.level3), _text(i.target_text), _amount(i.weight))
        for i in target.indicators
    )
    amounts = [_amount(a) for a in (target.amount_total, target.amount_fiscal, target.amount_carryover,
                                     target.amount_other, target.weight_total)]
    return [target.kind, _text(target.name), _text(target.implementing_unit), amounts, _text(target.goal_text),
            indicators]


def content_fingerprint(report: Report) -> str:
    """sha256 of the report's normalized identity, table cells, narrative facts and performance targets (see the
    module docstring)."""
    cells = sorted(
        (table.family, row.side or "", row.category or "", _row_key(row), _text(cell.column), _amount(cell.value))
        for table in report.tables
        for row in table.rows
        for cell in row.cells
        if cell.value is not None
    )
    facts = sorted(
        (fact.key, _text(fact.qualifier), _amount(fact.value), fact.unit, fact.fiscal_year or 0, fact.basis)
        for fact in report.narrative
    )
    targets = sorted((_target(target) for target in report.targets), key=json.dumps)
    identity = [_text(report.department), report.fiscal_year or 0, report.kind or ""]
    payload = json.dumps([identity, cells, facts, targets], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()
