"""dbt tests that failed or warned, told with their failing rows: the check's metadata gets the first rows the test
returned (report, check, row, expected, actual, file, page — dbt/tests/generic/checks.sql) and their count.

dbt reports a test's count only; the rows are read again, after dbt is done, by running the test's compiled query on
the build copy it ran on (still under the name dbt gave it, which the compiled query spells out).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg

from gongkai.pipeline.failing_rows import dbt_failing_rows_table, report_names
from gongkai.pipeline.report_metadata import FAILED_CHECKS_SHOWN

NOT_PASSED = frozenset({"fail", "warn", "error"})


def failing_test_sql(dbt_result: Any) -> dict[str, str]:
    """unique_id → compiled query of each dbt test that did not pass, from dbtRunner's result."""
    results = getattr(getattr(dbt_result, "result", None), "results", None) or []
    found = {}
    for result in results:
        node = result.node
        status = getattr(result.status, "value", result.status)
        if getattr(node, "resource_type", None) == "test" and status in NOT_PASSED and node.compiled_code:
            found[node.unique_id] = node.compiled_code
    return found


def failing_rows_metadata(con, sql: str, severity: str, reports: Mapping[str, str]) -> dict[str, Any]:
    """``failing_rows`` (the count) and ``failed`` (the first rows as a Markdown table) of one test's query."""
    import duckdb

    try:
        total = con.execute(f"SELECT count(*) FROM ({sql}) AS failing").fetchone()[0]
        cursor = con.execute(f"SELECT * FROM ({sql}) AS failing ORDER BY ALL LIMIT {FAILED_CHECKS_SHOWN}")
    except duckdb.Error as error:
        return {"failed": dg.MetadataValue.md(f"the failing rows could not be read again: {error}")}
    columns = [d[0] for d in cursor.description]
    table = dbt_failing_rows_table(severity, columns, cursor.fetchall(), total, reports)
    return {"failing_rows": total, "failed": dg.MetadataValue.md(table)}


def with_failing_rows(held: Iterable[tuple[str, dg.AssetCheckResult]], sql_by_test: Mapping[str, str],
                      warehouse: Path | None, con=None) -> Iterator[dg.AssetCheckResult]:
    """Each held check result of a dbt test (its unique_id, the result), its failing rows added when its query is
    known and the warehouse dbt wrote is there (read on ``con`` when given, an open connection to it)."""
    held = list(held)
    if not held or not sql_by_test or con is None and (warehouse is None or not warehouse.exists()):
        yield from (check for _, check in held)
        return
    import duckdb

    own = con is None
    con = duckdb.connect(str(warehouse), read_only=True) if own else con
    try:
        reports = report_names(con)
        for unique_id, check in held:
            sql = sql_by_test.get(unique_id)
            if sql is None:
                yield check
                continue
            severity = getattr(check.severity, "value", str(check.severity))
            yield check.with_metadata({**check.metadata, **failing_rows_metadata(con, sql, severity, reports)})
    finally:
        if own:
            con.close()
