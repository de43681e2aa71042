"""Validate what changed: a partitioned suite (``SuiteSpec.partition_column``) runs on the rows of the reports
whose rows changed since it last ran on this warehouse, and carries the outcome of every other report.

What "changed" means comes as a version per report: for a raw table the version of the report the loader holds
(``load.loaded_versions``); for a table dbt derives (a mart rebuilt on every run) :func:`row_versions`, a hash of
the report's rows there — folded with the codes of the dimension tables the suite looks codes up in, so a code added
to or removed from a dimension revalidates every report.

The state sits in the same DuckDB file as the data it describes, so a build that is never published takes its state
with it: ``quality.gx_partition_state`` (which version of each report a suite validated, under which suite
fingerprint) and ``quality.gx_partition_failures`` (per report, how many rows failed each expectation, and the first
of them), read and written once for the suites of a step (gongkai.quality.partition_state). The fingerprint covers the code of this package (suites and runner) and the reference codes: change any of
them and the next run validates every row again. So does a failed expectation whose rows GX cannot attribute to reports (an exception).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timezone

from gongkai.quality.gx import BATCH_ROWS, run_suite
from gongkai.quality.in_sql import sql_checkable, standing_for, validate_in_sql
from gongkai.quality.partition_state import FAILURES_TABLE, STATE_TABLE, Failure, PartitionState
from gongkai.quality.partitions import frame_of, report_batches
from gongkai.quality.results import ExpectationResult, SuiteResult, combine, first_failing_rows
from gongkai.quality.specs import DIMENSION_TABLES, NULL_PARTITION, uses_dimensions
from gongkai.quality.suites import SUITES

__all__ = ["FAILURES_TABLE", "STATE_TABLE", "PartitionState", "dimensions_version", "row_versions",
           "validate_changed_reports"]

def dimensions_version(con) -> str:
    """The codes of the dimension tables the suites look codes up in (count and hash of each)."""
    return "|".join(con.execute(f"SELECT count(*) || ':' || coalesce(sum(hash(code)::HUGEINT), 0) FROM {table}")
                    .fetchone()[0] for table in DIMENSION_TABLES.values())


def row_versions(con, name: str, dimensions: Callable[[], str] | None = None) -> dict[str, str]:
    """report_id → a hash of that report's rows in suite ``name``'s table (row count and the sum of row hashes:
    order-free), with the codes of the dimension tables the suite looks codes up in folded into each (their names and
    levels decide no membership; ``dimensions`` gives :func:`dimensions_version`, read once for several suites)."""
    spec = SUITES[name]
    column = spec.partition_column
    if column is None:
        raise ValueError(f"suite {name!r} has no partition column")
    context = ""
    if uses_dimensions(spec):
        context = "|" + (dimensions() if dimensions else dimensions_version(con))
    rows = con.execute(
        f"SELECT coalesce({column}, '{NULL_PARTITION}') AS p, count(*) || ':' || sum(hash(t)::HUGEINT) "
        f"FROM {spec.table} t GROUP BY p"
    ).fetchall()
    return {report: version + context for report, version in rows}


def validate_changed_reports(con, name: str, versions: Mapping[str, str], context=None, *,
                             run_id: str | None = None, full: bool = False, batch_rows: int = BATCH_ROWS,
                             state: PartitionState | None = None) -> SuiteResult:
    """Run partitioned suite ``name`` on the rows of the reports in ``versions`` (report_id → version of its rows)
    that it has not validated at that version — all of them when ``full`` or on first use — and merge in the failures
    recorded for the others. A suite checkable in SQL gives GX the candidate rows only (gongkai.quality.in_sql); the
    others read the rows into pandas. Either way GX is given frames of whole reports of at most ``batch_rows`` rows.
    ``con`` must be writable. The state is read from and recorded into ``state`` (the caller saves it: one for the
    suites of a step), else written before returning."""
    spec = SUITES[name]
    if spec.partition_column is None:
        raise ValueError(f"suite {name!r} has no partition column")
    own = state is None
    if own:
        state = PartitionState(con, [name])
    validated = state.validated(name)
    full = full or not validated
    todo = sorted(versions) if full else sorted(r for r, v in versions.items() if validated.get(r) != v)
    run_id = run_id or datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
    if sql_checkable(spec):
        rows, fresh = _validate_in_sql(con, spec, todo, context, run_id=run_id, batch_rows=batch_rows)
    else:
        rows, fresh = _validate_in_pandas(con, spec, todo, context, run_id=run_id, batch_rows=batch_rows)
    redone = set(todo)
    carried = state.carried(name, [r for r in versions if r not in redone])
    state.record(name, versions, todo, full, _failures(fresh))
    if own:
        state.save()
    return _merge(spec, fresh, carried, rows=rows, validated=len(todo), run_id=run_id)


def _validate_in_sql(con, spec, todo: list[str], context, *, run_id: str,
                     batch_rows: int) -> tuple[int, SuiteResult | None]:
    rows, results = validate_in_sql(con, spec, context, report_ids=todo, run_id=run_id, batch_rows=batch_rows,
                                    by_partition=True)
    return rows, standing_for(combine(results), rows) if results else None


def _validate_in_pandas(con, spec, todo: list[str], context, *, run_id: str,
                        batch_rows: int) -> tuple[int, SuiteResult | None]:
    batches, rows = [], 0
    for batch, _ in report_batches(con, spec.table, spec.partition_column, todo, batch_rows):  # one at a time
        frame = frame_of(con, spec.table, spec.partition_column, batch)
        rows += len(frame)
        if len(frame):
            batches.append(run_suite(spec.name, frame, context, con=con, run_id=run_id, by_partition=True))
    return rows, combine(batches)


def _first_rows(groups) -> list[dict]:
    """The first failing rows of several groups (batches, reports), up to what a result shows."""
    return first_failing_rows(row for group in groups for row in group)


def _failures(fresh: SuiteResult | None) -> list[Failure] | None:
    """Per report, the rows failing each expectation and the first of them; None when a failure is not attributable
    to reports (an exception): everything is validated next time."""
    failures = []
    for result in fresh.failed if fresh else []:
        if result.by_partition is None:
            return None
        samples = result.rows_by_partition or {}
        failures += [(r, result.details["index"], n, json.dumps(samples.get(r, []), ensure_ascii=False, default=str))
                     for r, n in result.by_partition.items()]
    return failures


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
