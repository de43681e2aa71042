"""Asset checks: Great Expectations suites (gongkai.quality) on raw_tables and on the marts, plus three others.

A partitioned suite validates only the reports whose rows changed since its last run on this warehouse (raw: the
reports (re)loaded; marts: the reports whose rows dbt rebuilt differently) and carries the recorded outcome of the
others (gongkai.quality.incremental); a full refresh validates every row. A suite with
severity 'error' is a *blocking* check: when it fails, downstream assets (dbt models, the publishing
``warehouse`` asset) are not materialized, so a bad build never replaces the live warehouse. A 'warning' suite is
recorded (metadata, severity WARN) and the run goes on. GX is imported inside the check functions only: importing
it costs seconds and must not slow down loading the definitions.

The suites run in two steps — ``gx_raw_suites`` after loading, ``gx_model_suites`` after dbt — each one DuckDB
connection and one GX import (per process), each suite still its own asset check ``gx_<suite>``; the UI can run any
subset. The checks that are not suites (gongkai.pipeline.warehouse_checks: ingest errors, review findings, the
reports' own inconsistencies) run in the step of their asset, on its connection. Checks read the run's build copy of the warehouse (the one about to be published) through the same pool as
the writers, so they never open the file next to a writer.
"""


import functools
import importlib
import importlib.util
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import dagster as dg

from gongkai.pipeline.assets import DBT_KEYS, RAW_TABLES_KEY, is_full_refresh
from gongkai.pipeline.failing_rows import failing_rows_table, report_names
from gongkai.pipeline.resources import WAREHOUSE_POOL, WarehouseResource
from gongkai.pipeline.warehouse_checks import MODEL_CHECKS, RAW_CHECKS, WarehouseCheck
from gongkai.warehouse.load import loaded_versions
from gongkai.warehouse.schema import RAW_TABLES


@dataclass(frozen=True)
class SuiteCheck:
    """A quality suite run as an asset check: the suite, the table it validates and the asset that owns it."""

    suite: str
    table: str  # schema.table in the warehouse
    asset_key: dg.AssetKey
    blocking: bool  # the suite has expectations of severity 'error'

    @property
    def name(self) -> str:
        return f"gx_{self.suite}"


def quality_package():
    """gongkai.quality, or None where it is not installed (GX is not imported by this)."""
    if importlib.util.find_spec("gongkai.quality") is None:
        return None
    return importlib.import_module("gongkai.quality")


def discover_suites(dbt_keys: Iterable[dg.AssetKey] = DBT_KEYS) -> list[SuiteCheck]:
    """The suites of gongkai.quality whose table is a raw table or a dbt model of this project (GX not imported)."""
    quality = quality_package()
    if quality is None:
        return []
    by_table = {".".join(key.path[-2:]): key for key in dbt_keys}
    found = []
    for name, spec in quality.SUITES.items():
        schema, _, table = spec.table.partition(".")
        if schema == "raw" and table in RAW_TABLES:
            key = RAW_TABLES_KEY
        elif spec.table in by_table:
            key = by_table[spec.table]
        else:
            continue
        blocking = any(e.severity == quality.ERROR for e in spec.expectations)
        found.append(SuiteCheck(name, spec.table, key, blocking))
    return sorted(found, key=lambda c: c.suite)


def _describe(result) -> str:
    where = f" [{result.column}]" if result.column else ""
    count = f" ({result.unexpected_count} unexpected)" if result.unexpected_count else ""
    note = result.details.get("note") if isinstance(result.details, dict) else ""
    return f"{result.expectation}{where}{count}{' — ' + note if note else ''}"


@dataclass
class _StepReads:
    """What the suites of a step read once: the partitioned suites' state, the raw tables' report versions and the
    codes of the dimension tables."""

    con: object
    state: object = None

    @functools.cached_property
    def loaded(self) -> dict[str, str]:
        return loaded_versions(self.con)

    @functools.cached_property
    def dimensions(self) -> str:
        from gongkai.quality.incremental import dimensions_version

        return dimensions_version(self.con)


def _validate(quality, con, check: SuiteCheck, run_id: str, *, in_build: bool, full: bool,
              reads: _StepReads | None = None):
    """Run one suite on this run's copy (partitioned suites: the changed reports only; a whole-table suite: only
    when its table changed); the step stores the results."""
    reads = reads or _StepReads(con)
    if in_build and quality.SUITES[check.suite].partition_column:
        if check.table.startswith("raw."):
            versions = reads.loaded
        else:
            versions = quality.row_versions(con, check.suite, lambda: reads.dimensions)
        result = quality.validate_changed_reports(con, check.suite, versions, run_id=run_id[:16], full=full,
                                                  state=reads.state)
    elif in_build:
        from gongkai.quality.unchanged_tables import validate_unless_unchanged

        result = validate_unless_unchanged(con, check.suite, run_id=run_id[:16], full=full)
    else:
        result = quality.validate_table(con, check.suite, run_id=run_id[:16])
    return result


def _check_result(check: SuiteCheck, result, log, reports: Mapping[str, str]) -> dg.AssetCheckResult:
    errors, warnings = result.errors, result.warnings
    for warning in warnings:
        log.warning(f"{check.table}: {_describe(warning)}")
    metadata = {
        "table": check.table,
        "rows": result.rows,  # rows validated in this run (partitioned suites: the changed reports' rows)
        "expectations": len(result.results),
        "errors": len(errors),
        "warnings": len(warnings),
        "failed": dg.MetadataValue.md("\n\n".join(failing_rows_table(r, reports) for r in errors + warnings)
                                      or "none"),
    }
    key = dict(asset_key=check.asset_key, check_name=check.name)
    if errors:
        return dg.AssetCheckResult(**key, passed=False, severity=dg.AssetCheckSeverity.ERROR, metadata=metadata)
    if warnings:
        return dg.AssetCheckResult(**key, passed=False, severity=dg.AssetCheckSeverity.WARN, metadata=metadata)
    return dg.AssetCheckResult(**key, passed=True, metadata=metadata)


def _save_state(state, log) -> None:
    """The suites' state, in one transaction; a state not saved only makes the next run validate these reports
    again."""
    try:
        state.save()
    except Exception as error:  # noqa: BLE001 - the results stand; the next run validates these reports again
        log.error(f"the partitioned suites' state was not saved: {type(error).__name__}: {error}")


def _make_suite_checks(name: str, checks: list[SuiteCheck], others: list[WarehouseCheck], description: str):
    """One step for a group of suites (one DuckDB connection, one GX import per process), each its own asset check
    ``gx_<suite>``, with the ``others`` of their assets (gongkai.pipeline.warehouse_checks); a subset can be run
    alone. A check that raises is reported as a failed check (the others still run). The step's results are stored
    in one statement at its end (a statement and the table's DDL per suite cost ≈ 14 ms each)."""
    by_key = {dg.AssetCheckKey(c.asset_key, c.name): c for c in checks}
    other_by_key = {dg.AssetCheckKey(c.asset_key, c.name): c for c in others}

    @dg.multi_asset_check(
        name=name,
        specs=[dg.AssetCheckSpec(c.name, asset=c.asset_key, blocking=c.blocking, description=(
            f"Great Expectations suite {c.suite!r} on {c.table} "
            f"({'failed error expectations block downstream' if c.blocking else 'warnings only'}).")) for c in checks]
        + [c.spec for c in others],
        can_subset=True,
        pool=WAREHOUSE_POOL,
        description=description,
    )
    def _checks(context: dg.AssetCheckExecutionContext, gongkai: WarehouseResource):
        run_id = context.run.run_id
        in_build = gongkai.build_path(run_id).exists()
        keys = sorted(context.selected_asset_check_keys, key=lambda k: k.name)
        selected = [by_key[k] for k in keys if k in by_key]
        with gongkai.connect(run_id, read_only=not in_build) as con:
            for other in (other_by_key[k] for k in keys if k in other_by_key):
                yield _other_result(other, con, gongkai, context.log)
            if selected:
                yield from _suite_results(selected, con, context, run_id=run_id, in_build=in_build)

    return _checks


def _other_result(check: WarehouseCheck, con, gongkai: WarehouseResource, log) -> dg.AssetCheckResult:
    try:
        return check.result(con, gongkai)
    except Exception as error:  # noqa: BLE001 - one broken check must not hide the others' results
        log.error(f"{check.name} raised {type(error).__name__}: {error}")
        return dg.AssetCheckResult(asset_key=check.asset_key, check_name=check.name, passed=False,
                                   severity=dg.AssetCheckSeverity.WARN,
                                   metadata={"error": f"{type(error).__name__}: {error}"})


def _suite_results(selected: list[SuiteCheck], con, context, *, run_id: str, in_build: bool):
    """Each suite's check result, then the partitioned suites' state and every result stored."""
    quality = quality_package()
    reports = report_names(con)
    partitioned = [c.suite for c in selected if quality.SUITES[c.suite].partition_column]
    state = quality.PartitionState(con, partitioned) if in_build and partitioned else None
    reads = _StepReads(con, state)
    validated = []
    for check in selected:
        try:
            result = _validate(quality, con, check, run_id, in_build=in_build, full=is_full_refresh(context),
                               reads=reads)
        except Exception as error:  # noqa: BLE001 - one broken suite must not hide the others' results
            context.log.error(f"{check.name} on {check.table} raised {type(error).__name__}: {error}")
            yield dg.AssetCheckResult(
                asset_key=check.asset_key, check_name=check.name, passed=False,
                severity=dg.AssetCheckSeverity.ERROR,
                metadata={"table": check.table, "error": f"{type(error).__name__}: {error}"},
            )
            continue
        validated.append(result)
        yield _check_result(check, result, context.log, reports)
    if state is not None:
        _save_state(state, context.log)
    if in_build and validated:  # into the warehouse being built (quality.gx_results), never the live file
        quality.store_results(con, validated)


def all_checks() -> list:
    suites = discover_suites()
    raw = [c for c in suites if c.asset_key == RAW_TABLES_KEY]
    marts = [c for c in suites if c.asset_key != RAW_TABLES_KEY]
    groups = [
        ("gx_raw_suites", raw, RAW_CHECKS,
         "Great Expectations suites on the raw tables, after loading (blocking ones stop dbt), and the ingest errors "
         "and review findings."),
        ("gx_model_suites", marts, MODEL_CHECKS,
         "Great Expectations suites on the marts and quality models, after dbt (blocking ones stop the publish), and "
         "the reports' own inconsistencies."),
    ]
    return [_make_suite_checks(name, checks, others, text) for name, checks, others, text in groups
            if checks or others]
