"""A failed check told to an analyst: which report, which row, what was expected, what was printed, file and page.

Great Expectations results (gongkai.quality) carry their first failing rows (``details["failing_rows"]``: the row's
context columns and the checked values); this module turns them into the Markdown tables the Dagster UI shows in a
check's metadata. ``reports`` maps a report_id to a readable name (department, year, kind).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

#: Context columns that say what a row is (a code and its label, a labelled item, a fact, a project …).
WHAT_COLUMNS = ("table_family", "scope", "code", "function_code", "economic_code", "row_label", "item", "fact_key",
                "project_name", "level3", "check_name", "metric", "path")


def expected_text(expectation: str, kwargs: Mapping[str, Any], note: str) -> str:
    """What the check expects, in words (the suite's note when it has one)."""
    if note:
        return note
    if expectation.endswith("to_not_be_null"):
        return "not blank"
    if expectation.endswith("to_be_unique"):
        return "unique"
    if expectation.endswith("to_be_between"):
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        if low is not None and high is not None:
            return f"between {low} and {high}"
        return f"≥ {low}" if low is not None else f"≤ {high}"
    if expectation.endswith("to_be_in_set"):
        return f"one of {kwargs.get('value_set')}"
    if expectation.endswith("to_match_regex"):
        return f"matches {kwargs.get('regex')}"
    return expectation.replace("_", " ")


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def _actual(row: Mapping[str, Any], checked: Sequence[str]) -> str:
    values = [f"{c.lstrip('_')} = {_cell(row[c])}" for c in checked if c in row]
    return "; ".join(values) if values else "–"


def _what(row: Mapping[str, Any]) -> str:
    return " ".join(_cell(row[c]) for c in WHAT_COLUMNS if row.get(c) not in (None, ""))


def failing_rows_table(result, reports: Mapping[str, str]) -> str:
    """A Markdown table of a failed expectation's first failing rows: report, row, expected, actual, file, page."""
    details = result.details if isinstance(result.details, dict) else {}
    rows = details.get("failing_rows") or []
    expected = expected_text(result.expectation, details.get("kwargs") or {}, details.get("note") or "")
    checked = [c for c in (result.column or "").split(",") if c]
    lines = [
        f"**{result.severity}** — {expected} ({result.table}, {result.expectation}): "
        f"{result.unexpected_count or 0} failing rows" + (f", the first {len(rows)}:" if rows else ""),
    ]
    if rows:
        lines += ["", "| report | row | expected | actual | file | page |", "|---|---|---|---|---|---|"]
        for row in rows:
            report = row.get("report_id")
            name = reports.get(report, report) if report else _cell(row.get("department_id"))
            lines.append(f"| {_cell(name)} | {_what(row) or '–'} | {_cell(expected)} | {_actual(row, checked)} | "
                         f"{_cell(row.get('file'))} | {_cell(row.get('page'))} |")
    return "\n".join(lines)


def report_names(con) -> dict[str, str]:
    """report_id → "department year kind (file)" for every report of the warehouse's raw.report_files."""
    try:
        rows = con.execute("SELECT report_id, department, fiscal_year, kind, path FROM raw.report_files").fetchall()
    except Exception:  # noqa: BLE001 - a warehouse without raw tables yet: show bare ids
        return {}
    kinds = {"final": "决算", "budget": "预算"}
    return {r: f"{d or '?'} {y or '?'} {kinds.get(k, k or '?')} ({p})" for r, d, y, k, p in rows}


#: Column titles of the failing rows a ``checks`` dbt test returns (dbt/tests/generic/checks.sql).
DBT_COLUMN_TITLES = {"rule": "check", "what": "row", "expected": "expected", "actual": "actual", "file": "file",
                     "page": "page"}


def dbt_failing_rows_table(severity: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], total: int,
                           reports: Mapping[str, str]) -> str:
    """A Markdown table of a dbt test's first failing rows (report first, named; then the test's own columns)."""
    lines = [f"**{severity}** — {total} failing rows" + (f", the first {len(rows)}:" if rows else "")]
    if not rows:
        return lines[0]
    shown = [c for c in columns if c != "report_id"]
    lines += ["", "| report | " + " | ".join(DBT_COLUMN_TITLES.get(c, c) for c in shown) + " |",
              "|---" * (len(shown) + 1) + "|"]
    for row in rows:
        values = dict(zip(columns, row))
        report = values.get("report_id")
        lines.append(f"| {_cell(reports.get(report, report))} | "
                     + " | ".join(_cell(values[c]) for c in shown) + " |")
    return "\n".join(lines)
