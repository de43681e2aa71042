"""Asset checks: Great Expectations suites (gongkai.quality) on raw_tables and on the marts, plus an ingest check.

A partitioned suite validates only the reports whose rows changed since its last run on this warehouse (raw: the
reports (re)loaded; marts: the reports whose rows dbt rebuilt differently) and carries the recorded outcome of the
others (gongkai.quality.incremental); a full refresh validates every row. A suite with
severity 'error' is a *blocking* check: when it fails, downstream assets (dbt models, the publishing
``warehouse`` asset) are not materialized, so a bad build never replaces the live warehouse. A 'warning' suite is
recorded (metadata, severity WARN) and the run goes on. GX is imported inside the check functions only: importing
it costs seconds and must not slow down loading the definitions.

The suites run in two steps — ``gx_raw_suites`` after loading, ``gx_model_suites`` after dbt — each one DuckDB
connection and one GX import (per process), each suite still its own asset check ``gx_<suite>``; the UI can run any
subset. Checks read the run's build copy of the warehouse (the one about to be published) through the same pool as
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
from gongkai.pipeline.report_metadata import FAILED_CHECKS_SHOWN, failed_checks_markdown, review_markdown
from gongkai.pipeline.resources import WAREHOUSE_POOL, WarehouseResource
from gongkai.warehouse.load import current_ingest_errors, loaded_versions
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


def _make_suite_checks(name: str, checks: list[SuiteCheck], description: str):
    """One step for a group of suites (one DuckDB connection, one GX import per process), each its own asset check
    ``gx_<suite>``; a subset can be run alone. A suite that raises is reported as a failed check (the others still
    run). The step's results are stored in one statement at its end (a statement and the table's DDL per suite cost
    ≈ 14 ms each)."""
    by_key = {dg.AssetCheckKey(c.asset_key, c.name): c for c in checks}

    @dg.multi_asset_check(
        name=name,
        specs=[dg.AssetCheckSpec(c.name, asset=c.asset_key, blocking=c.blocking, description=(
            f"Great Expectations suite {c.suite!r} on {c.table} "
            f"({'failed error expectations block downstream' if c.blocking else 'warnings only'}).")) for c in checks],
        can_subset=True,
        pool=WAREHOUSE_POOL,
        description=description,
    )
    def _checks(context: dg.AssetCheckExecutionContext, gongkai: WarehouseResource):
        quality = quality_package()
        run_id = context.run.run_id
        in_build = gongkai.build_path(run_id).exists()
        selected = [by_key[k] for k in sorted(context.selected_asset_check_keys, key=lambda k: k.name)]
        with gongkai.connect(run_id, read_only=not in_build) as con:
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

    return _checks


@dg.asset_check(
    asset=RAW_TABLES_KEY,
    name="ingest_errors",
    blocking=False,
    pool=WAREHOUSE_POOL,
    description="Warn when a file in the raw folder could not be loaded (its current row in raw.ingest_errors: "
    "unreadable, refused path, timeout).",
)
def ingest_errors_check(context: dg.AssetCheckExecutionContext, gongkai: WarehouseResource) -> dg.AssetCheckResult:
    with gongkai.connect(context.run.run_id, read_only=True) as con:
        rows = con.execute(
            "SELECT status, count(*) FROM raw.report_files WHERE is_current GROUP BY status ORDER BY status"
        ).fetchall()
        # every file the raw folder holds now that could not be loaded, refused paths (no report_files row) included
        failed = current_ingest_errors(con, gongkai.raw_dir(), gongkai.staging_dir())
    counts = {status: n for status, n in rows}
    metadata = {
        **{f"files_{k}": v for k, v in counts.items()},
        "ingest_errors": len(failed),
        "failed_files": dg.MetadataValue.md("\n".join(f"- {p}: [{k}] {m}" for p, k, m in failed) or "none"),
    }
    return dg.AssetCheckResult(
        passed=not failed, severity=dg.AssetCheckSeverity.WARN, metadata=metadata
    )


@dg.asset_check(
    asset=RAW_TABLES_KEY,
    name="review_findings",
    blocking=False,
    pool=WAREHOUSE_POOL,
    description="The disclosure review (审核意见): warn when a current report has review findings (raw.review_findings, "
    "marts.fct_review_finding); the metadata lists them per report with page, line and the text quoted.",
)
def review_findings_check(context: dg.AssetCheckExecutionContext, gongkai: WarehouseResource) -> dg.AssetCheckResult:
    with gongkai.connect(context.run.run_id, read_only=True) as con:
        rows = con.execute(
            "SELECT f.file, f.page, f.line, f.severity, f.rule_title, f.quote, f.expected "
            "FROM raw.review_findings f JOIN raw.report_files r ON r.report_id = f.report_id AND r.is_current "
            "AND r.path = f.file ORDER BY f.file, f.finding_index"
        ).fetchall()
    by_report: dict[str, list[dict]] = {}
    for file, page, line, severity, title, quote, expected in rows:
        by_report.setdefault(file, []).append({"page": page, "line": line, "severity": severity, "rule_title": title,
                                               "quote": quote, "expected": expected})
    metadata = {
        "findings": len(rows),
        "reports_with_findings": len(by_report),
        **{f"review: {file}": dg.MetadataValue.md(review_markdown(found)) for file, found in by_report.items()},
    }
    return dg.AssetCheckResult(passed=not rows, severity=dg.AssetCheckSeverity.WARN, metadata=metadata)


REPORT_CHECK_FAILURES_KEY = dg.AssetKey(["quality", "report_check_failures"])
_KIND_NAMES = {"final": "决算", "budget": "预算"}


@dg.asset_check(
    asset=REPORT_CHECK_FAILURES_KEY,
    name="report_inconsistencies",
    blocking=False,
    pool=WAREHOUSE_POOL,
    description="Warn when a loaded report's own figures disagree (totals, identities, narrative vs tables, a later "
    "report's comparatives): the first 20 with report, expected, actual, file and page. Never blocks publishing.",
)
def report_inconsistencies_check(context: dg.AssetCheckExecutionContext,
                                  gongkai: WarehouseResource) -> dg.AssetCheckResult:
    with gongkai.connect(context.run.run_id, read_only=True) as con:
        total, reports = con.execute(
            "SELECT count(*), count(DISTINCT report_id) FROM quality.report_check_failures").fetchone()
        cursor = con.execute(
            "SELECT department, year, kind, path, check_name, detail, expected, actual, difference, file, page "
            "FROM quality.report_check_failures ORDER BY department, year, kind, path, check_name LIMIT ?",
            [FAILED_CHECKS_SHOWN])
        columns = [d[0] for d in cursor.description]
        rows = [dict(zip(columns, row)) for row in cursor.fetchall()]
    for row in rows:
        row["report"] = f"{row['department']} {row['year']} {_KIND_NAMES.get(row['kind'], row['kind'])}"
    metadata = {"failed_checks": total, "reports": reports,
                "failures": dg.MetadataValue.md(failed_checks_markdown(rows, total))}
    return dg.AssetCheckResult(passed=total == 0, severity=dg.AssetCheckSeverity.WARN, metadata=metadata)


def all_checks() -> list:
    suites = discover_suites()
    raw = [c for c in suites if c.asset_key == RAW_TABLES_KEY]
    marts = [c for c in suites if c.asset_key != RAW_TABLES_KEY]
    groups = [
        ("gx_raw_suites", raw, "Great Expectations suites on the raw tables, after loading (blocking ones stop dbt)."),
        ("gx_model_suites", marts,
         "Great Expectations suites on the marts and quality models, after dbt (blocking ones stop the publish)."),
    ]
    report_checks = [report_inconsistencies_check] if REPORT_CHECK_FAILURES_KEY in DBT_KEYS else []
    return [ingest_errors_check, review_findings_check, *report_checks] + [
        _make_suite_checks(name, checks, text) for name, checks, text in groups if checks]
