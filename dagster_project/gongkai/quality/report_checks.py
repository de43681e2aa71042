"""The failed checks of the reports' own figures (quality.report_check_failures) as the run summary lists them.

A department's inconsistency (an identity that does not add up, SME amount above the procurement total, a share over
100 %) never blocks publishing: `gongkai run` names each failing report file and check, expected vs actual.
"""

from __future__ import annotations

TABLE = "quality.report_check_failures"
#: Lines listed in the run summary; the rest are counted and left to the table.
SUMMARY_LIMIT = 200


def failed_report_checks(con) -> list[tuple]:
    """(file, page, check_name, expected, actual) of every failed check, by file, check and page; [] when the
    warehouse has no such table (a run that stopped before dbt)."""
    schema, _, name = TABLE.partition(".")
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?", [schema, name]
    ).fetchone()[0]
    if not exists:
        return []
    return con.execute(
        f"SELECT file, page, check_name, expected, actual FROM {TABLE} "
        "ORDER BY file, check_name, page NULLS LAST, line NULLS LAST, expected, actual"
    ).fetchall()


def _number(value) -> str:
    return "NULL" if value is None else f"{value:g}"


def format_failed_report_checks(rows: list[tuple], limit: int = SUMMARY_LIMIT) -> list[str]:
    """Summary lines: a header with the counts, then ``  <file> p.<page>: <check> expected <e> actual <a>``."""
    if not rows:
        return []
    files = len({row[0] for row in rows})
    lines = [f"report checks failed ({TABLE}): {len(rows)} in {files} file(s) — the reports' own "
             "inconsistencies, published as printed"]
    for file, page, check, expected, actual in rows[:limit]:
        where = f"{file} p.{page}" if page is not None else file
        lines.append(f"  {where}: {check} expected {_number(expected)} actual {_number(actual)}")
    if len(rows) > limit:
        lines.append(f"  … and {len(rows) - limit} more: SELECT * FROM {TABLE}")
    return lines
