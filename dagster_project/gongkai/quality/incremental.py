"""Validate what changed: a partitioned suite (``SuiteSpec.partition_column``) runs on the rows of the reports
whose rows changed since it last ran on this warehouse, and carries the outcome of every other report.

What "changed" means comes as a version per report: for a raw table the version of the report the loader holds
(``load.loaded_versions``); for a table dbt derives (a mart rebuilt on every run) :func:`row_versions`, a hash of
the report's rows there — folded with the codes of the dimension tables the suite looks codes up in, so a code added
to or removed from a dimension revalidates every report.

The state sits in the same DuckDB file as the data it describes, so a build that is never published takes its state
with it: ``quality.gx_partition_state`` (which version of each report a suite validated, under which suite
fingerprint) and ``quality.gx_partition_failures`` (per report, how many rows failed each expectation, and the first
of them). The fingerprint covers the code of this package (suites and runner) and the reference codes: change any of
them and the next run validates every row again. So does a failed expectation whose rows GX cannot attribute to reports (an exception).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timezone

import pyarrow as pa

from gongkai.quality.gx import BATCH_ROWS, run_suite
from gongkai.quality.fingerprint import suite_fingerprint
from gongkai.quality.in_sql import sql_checkable, standing_for, validate_in_sql
from gongkai.quality.partitions import frame_of, ids_table, report_batches
from gongkai.quality.results import ExpectationResult, SuiteResult, combine, first_failing_rows
from gongkai.quality.specs import DIMENSION_TABLES, NULL_PARTITION, uses_dimensions
from gongkai.quality.suites import SUITES
from gongkai.warehouse.duck import registered, transaction

STATE_TABLE = "quality.gx_partition_state"
FAILURES_TABLE = "quality.gx_partition_failures"

_DDL = (
    "CREATE SCHEMA IF NOT EXISTS quality",
    f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} "
    "(suite VARCHAR NOT NULL, fingerprint VARCHAR NOT NULL, report_id VARCHAR NOT NULL, version VARCHAR NOT NULL)",
    f"CREATE TABLE IF NOT EXISTS {FAILURES_TABLE} (suite VARCHAR NOT NULL, fingerprint VARCHAR NOT NULL, "
    "report_id VARCHAR NOT NULL, expectation_index INTEGER NOT NULL, unexpected_count BIGINT NOT NULL)",
    f"ALTER TABLE {FAILURES_TABLE} ADD COLUMN IF NOT EXISTS failing_rows VARCHAR",  # JSON: the first failing rows
)


def row_versions(con, name: str) -> dict[str, str]:
    """report_id → a hash of that report's rows in suite ``name``'s table (row count and the sum of row hashes:
    order-free), with the codes of the dimension tables the suite looks codes up in folded into each (their names and
    levels decide no membership)."""
    spec = SUITES[name]
    column = spec.partition_column
    if column is None:
        raise ValueError(f"suite {name!r} has no partition column")
    context = ""
    if uses_dimensions(spec):
        parts = [con.execute(f"SELECT count(*) || ':' || coalesce(sum(hash(code)::HUGEINT), 0) FROM {table}")
                 .fetchone()[0] for table in DIMENSION_TABLES.values()]
        context = "|" + "|".join(parts)
    rows = con.execute(
        f"SELECT coalesce({column}, '{NULL_PARTITION}') AS p, count(*) || ':' || sum(hash(t)::HUGEINT) "
        f"FROM {spec.table} t GROUP BY p"
    ).fetchall()
    return {report: version + context for report, version in rows}


def validate_changed_reports(con, name: str, versions: Mapping[str, str], context=None, *,
                             run_id: str | None = None, full: bool = False,
                             batch_rows: int = BATCH_ROWS) -> SuiteResult:
    """Run partitioned suite ``name`` on the rows of the reports in ``versions`` (report_id → version of its rows)
    that it has not validated at that version — all of them when ``full`` or on first use — and merge in the failures
    recorded for the others. A suite checkable in SQL gives GX the candidate rows only (gongkai.quality.in_sql); the
    others read the rows into pandas. Either way GX is given frames of whole reports of at most ``batch_rows`` rows.
    ``con`` must be writable (the state is updated)."""
    spec = SUITES[name]
    column = spec.partition_column
    if column is None:
        raise ValueError(f"suite {name!r} has no partition column")
    fingerprint = suite_fingerprint(name)
    for statement in _DDL:
        con.execute(statement)
    validated = dict(con.execute(f"SELECT report_id, version FROM {STATE_TABLE} WHERE suite = ? AND fingerprint = ?",
                                 [name, fingerprint]).fetchall())
    full = full or not validated
    todo = sorted(versions) if full else sorted(r for r, v in versions.items() if validated.get(r) != v)
    run_id = run_id or datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
    if sql_checkable(spec):
        rows, fresh = _validate_in_sql(con, spec, todo, context, run_id=run_id, batch_rows=batch_rows)
    else:
        rows, fresh = _validate_in_pandas(con, spec, todo, context, run_id=run_id, batch_rows=batch_rows)
    redone = set(todo)
    carried = _carried_failures(con, name, fingerprint, [r for r in versions if r not in redone])
    _save_state(con, name, fingerprint, versions, todo, fresh, full)
    return _merge(spec, fresh, carried, rows=rows, validated=len(todo), run_id=run_id)


def _validate_in_sql(con, spec, todo: list[str], context, *, run_id: str,
                     batch_rows: int) -> tuple[int, SuiteResult | None]:
    rows, results = validate_in_sql(con, spec, context, report_ids=todo, run_id=run_id, batch_rows=batch_rows,
                                    by_partition=True)
    return rows, standing_for(combine(results), rows) if results else None


def _validate_in_pandas(con, spec, todo: list[str], context, *, run_id: str,
                        batch_rows: int) -> tuple[int, SuiteResult | None]:
    batches, rows = [], 0
    for batch in report_batches(con, spec.table, spec.partition_column, todo, batch_rows):  # one batch at a time
        frame = frame_of(con, spec.table, spec.partition_column, batch)
        rows += len(frame)
        if len(frame):
            batches.append(run_suite(spec.name, frame, context, con=con, run_id=run_id, by_partition=True))
    return rows, combine(batches)


def _first_rows(groups) -> list[dict]:
    """The first failing rows of several groups (batches, reports), up to what a result shows."""
    return first_failing_rows(row for group in groups for row in group)


def _carried_failures(con, name: str, fingerprint: str,
                      report_ids: list[str]) -> dict[int, tuple[int, int, list[dict]]]:
    """expectation index → (reports failing it, unexpected rows, the first failing rows) among ``report_ids``, as
    recorded."""
    if not report_ids:
        return {}
    with registered(con, "_gx_carried", ids_table(report_ids)):
        rows = con.execute(
            f"SELECT expectation_index, count(DISTINCT report_id), sum(unexpected_count), "
            f"list(failing_rows ORDER BY report_id) FILTER (WHERE failing_rows IS NOT NULL) FROM {FAILURES_TABLE} "
            "WHERE suite = ? AND fingerprint = ? AND report_id IN (SELECT report_id FROM _gx_carried) GROUP BY 1",
            [name, fingerprint],
        ).fetchall()
    return {int(i): (int(n), int(count), _first_rows(json.loads(r) for r in samples or []))
            for i, n, count, samples in rows}


def _save_state(con, name: str, fingerprint: str, versions: Mapping[str, str], todo: list[str],
                fresh: SuiteResult | None, full: bool) -> None:
    failures = []
    for result in fresh.failed if fresh else []:
        if result.by_partition is None:  # not attributable to reports: validate everything next time
            con.execute(f"DELETE FROM {STATE_TABLE} WHERE suite = ?", [name])
            con.execute(f"DELETE FROM {FAILURES_TABLE} WHERE suite = ?", [name])
            return
        samples = result.rows_by_partition or {}
        failures += [(r, result.details["index"], n, json.dumps(samples.get(r, []), ensure_ascii=False, default=str))
                     for r, n in result.by_partition.items()]
    redone = set(todo)
    current = pa.table({"report_id": pa.array(list(versions), pa.string()),
                        "redone": pa.array([full or r in redone for r in versions], pa.bool_())})
    state = pa.table({"report_id": pa.array(todo, pa.string()),
                      "version": pa.array([versions[r] for r in todo], pa.string())})
    failed = pa.table({"report_id": pa.array([f[0] for f in failures], pa.string()),
                       "expectation_index": pa.array([f[1] for f in failures], pa.int32()),
                       "unexpected_count": pa.array([f[2] for f in failures], pa.int64()),
                       "failing_rows": pa.array([f[3] for f in failures], pa.string())})
    with registered(con, "_gx_current", current), registered(con, "_gx_state", state), \
            registered(con, "_gx_failed", failed), transaction(con):
        for table in (STATE_TABLE, FAILURES_TABLE):
            con.execute(
                f"DELETE FROM {table} WHERE suite = ? AND (fingerprint <> ? OR report_id NOT IN "
                "(SELECT report_id FROM _gx_current WHERE NOT redone))",
                [name, fingerprint],
            )
        con.execute(f"INSERT INTO {STATE_TABLE} SELECT ?, ?, report_id, version FROM _gx_state", [name, fingerprint])
        con.execute(f"INSERT INTO {FAILURES_TABLE} (suite, fingerprint, report_id, expectation_index, "
                    "unexpected_count, failing_rows) SELECT ?, ?, report_id, expectation_index, unexpected_count, "
                    "failing_rows FROM _gx_failed", [name, fingerprint])


def _snake(type_name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type_name).lower()


def _merge(spec, fresh: SuiteResult | None, carried: dict[int, tuple[int, int]], *, rows: int, validated: int,
           run_id: str) -> SuiteResult:
    by_index = {r.details.get("index"): r for r in fresh.results} if fresh else {}
    results = []
    for index, exp in enumerate(spec.expectations):
        reports, count, samples = carried.get(index, (0, 0, []))
        scope = {"validated_reports": validated, "carried_reports_failing": reports, "carried_unexpected": count}
        result = by_index.get(index)
        if result is None:
            shown = {"failing_rows": samples} if samples else {}
            results.append(ExpectationResult(
                spec.name, spec.table, _snake(exp.type), exp.column, exp.severity, success=count == 0,
                unexpected_count=count, details={"index": index, "note": exp.note, **scope, **shown},
            ))
            continue
        total = None if result.unexpected_count is None and not count else (result.unexpected_count or 0) + count
        first = _first_rows([result.details.get("failing_rows", []), samples])
        shown = {"failing_rows": first} if first else {}
        results.append(replace(result, success=result.success and count == 0, unexpected_count=total,
                               details={**result.details, **scope, **shown}, by_partition=None,
                               rows_by_partition=None))
    validated_at = fresh.validated_at if fresh else datetime.now(timezone.utc).replace(tzinfo=None)
    return SuiteResult(spec.name, spec.table, run_id, validated_at, rows, results)
