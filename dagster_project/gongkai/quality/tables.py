"""Validating warehouse tables whole: in DuckDB with GX given the candidate rows (gongkai.quality.in_sql) where the
suite allows it, else read into pandas."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from gongkai.quality.context import build_docs
from gongkai.quality.gx import BATCH_ROWS, run_suite
from gongkai.quality.in_sql import sql_checkable, standing_for, validate_in_sql
from gongkai.quality.results import SuiteResult, combine, store_results
from gongkai.quality.suites import SUITES


def validate_table(con, name: str, context=None, *, run_id: str | None = None) -> SuiteResult:
    """Run suite ``name`` on every row of its table."""
    spec = SUITES[name]
    run_id = run_id or uuid.uuid4().hex[:16]
    if sql_checkable(spec):
        rows, results = validate_in_sql(con, spec, context, run_id=run_id, batch_rows=BATCH_ROWS)
        return standing_for(combine(results), rows)
    df = con.execute(f"select * from {spec.table}").df()
    return run_suite(name, df, context, con=con, run_id=run_id)


def run_all(con, names: Sequence[str] | None = None, context=None, *, store: bool = True,
            docs: bool = False) -> list[SuiteResult]:
    """Run many suites on their warehouse tables under one run_id (tables that don't exist are skipped);
    optionally store the results in quality.gx_results and build the data docs."""
    run_id = uuid.uuid4().hex[:16]
    existing = {f"{s}.{t}" for s, t in con.execute(
        "select table_schema, table_name from information_schema.tables").fetchall()}
    out = [validate_table(con, n, context, run_id=run_id) for n in (names or SUITES) if SUITES[n].table in existing]
    if store:
        store_results(con, out)
    if docs:
        build_docs(context)
    return out
