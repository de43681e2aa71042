"""Asset checks: Great Expectations suites (gongkai.quality) on raw_tables and on the marts, plus an ingest check.

A suite with severity 'error' is a *blocking* check: when it fails, downstream assets (dbt models, the publishing
``warehouse`` asset) are not materialized, so a bad build never replaces the live warehouse. A 'warning' suite is
recorded (metadata, severity WARN) and the run goes on. GX is imported inside the check functions only: importing
it costs seconds and must not slow down loading the definitions.

Checks read the run's build copy of the warehouse (the one about to be published) through the same pool as the
writers, so they never open the file next to a writer.
"""


import importlib
import importlib.util
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import dagster as dg

from gongkai.pipeline.assets import DBT_KEYS, RAW_TABLES_KEY
from gongkai.pipeline.resources import WAREHOUSE_POOL, WarehouseResource
from gongkai.warehouse.schema import RAW_TABLES


@dataclass(frozen=True)
class SuiteSpec:
    """A quality suite to run as an asset check: which table it validates and how severe its failures are."""

    name: str  # key in gongkai.quality's suites
    schema: str  # 'raw' | 'marts' | …
    table: str
    severity: str  # 'error' | 'warning'


def _quality():
    if importlib.util.find_spec("gongkai.quality") is None:
        return None
    return importlib.import_module("gongkai.quality")


def discover_suites() -> list[SuiteSpec]:
    """The suites gongkai.quality declares (without importing GX), mapped to raw or mart tables."""
    quality = _quality()
    if quality is None:
        return []
    lister: Callable[[], Iterable[Any]] | None = getattr(quality, "suite_specs", None)
    raw_names = set(RAW_TABLES)
    mart_names = {key.path[-1] for key in DBT_KEYS}
    specs: list[SuiteSpec] = []
    entries = list(lister()) if lister else [(name, None) for name in getattr(quality, "SUITES", {})]
    for entry in entries:
        name, severity, schema = _entry(entry)
        table = name.split(".")[-1]
        if schema is None:
            schema = "raw" if table in raw_names and table not in mart_names else "marts"
        if schema == "raw" and table not in raw_names:
            continue
        if schema != "raw" and table not in mart_names:
            continue
        specs.append(SuiteSpec(name=name, schema=schema, table=table, severity=severity or "error"))
    return sorted(specs, key=lambda s: (s.schema, s.table, s.name))


def _entry(entry) -> tuple[str, str | None, str | None]:
    if isinstance(entry, tuple):
        return entry[0], entry[1] if len(entry) > 1 else None, entry[2] if len(entry) > 2 else None
    name = getattr(entry, "name", None) or getattr(entry, "table", None) or str(entry)
    return name, getattr(entry, "severity", None), getattr(entry, "schema", None)


def _result_fields(result) -> tuple[bool, str, str, Any]:
    get = (lambda k, d=None: result.get(k, d)) if isinstance(result, dict) else (lambda k, d=None: getattr(result, k, d))
    success = bool(get("success", get("passed", False)))
    severity = str(get("severity", "error"))
    name = str(get("expectation", get("name", get("expectation_type", "expectation"))))
    return success, severity, name, get("observed", get("observed_value", get("details")))


def _make_suite_check(spec: SuiteSpec, asset_key: dg.AssetKey):
    blocking = spec.severity == "error"

    @dg.asset_check(
        asset=asset_key,
        name=f"gx_{spec.schema}_{spec.table}",
        blocking=blocking,
        pool=WAREHOUSE_POOL,
        description=f"Great Expectations suite {spec.name!r} on {spec.schema}.{spec.table} "
        f"({'blocking' if blocking else 'warning only'}).",
    )
    def _check(context: dg.AssetCheckExecutionContext, gongkai: WarehouseResource) -> dg.AssetCheckResult:
        quality = _quality()
        with gongkai.connect(context.run_id) as con:
            df = con.execute(f'SELECT * FROM "{spec.schema}"."{spec.table}"').df()
            results = quality.run_suite(spec.name, df)
            store = getattr(quality, "store_results", None)
            if store is not None and gongkai.build_path(context.run_id).exists():
                store(con, results)
        failed_errors, failed_warnings, passed = [], [], 0
        for result in results:
            success, severity, name, observed = _result_fields(result)
            if success:
                passed += 1
            elif severity == "error":
                failed_errors.append(f"{name}: {observed}")
            else:
                failed_warnings.append(f"{name}: {observed}")
        metadata = {
            "rows": len(df),
            "expectations_passed": passed,
            "errors": len(failed_errors),
            "warnings": len(failed_warnings),
            "failed": dg.MetadataValue.md("\n".join(f"- {f}" for f in failed_errors + failed_warnings) or "none"),
        }
        for warning in failed_warnings:
            context.log.warning(f"{spec.schema}.{spec.table}: {warning}")
        if failed_errors:
            return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.ERROR, metadata=metadata)
        if failed_warnings:
            return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.WARN, metadata=metadata)
        return dg.AssetCheckResult(passed=True, metadata=metadata)

    return _check


@dg.asset_check(
    asset=RAW_TABLES_KEY,
    name="ingest_errors",
    blocking=False,
    pool=WAREHOUSE_POOL,
    description="Warn when a file in the raw folder could not be read (raw.report_files status 'failed').",
)
def ingest_errors_check(context: dg.AssetCheckExecutionContext, gongkai: WarehouseResource) -> dg.AssetCheckResult:
    with gongkai.connect(context.run_id, read_only=True) as con:
        rows = con.execute(
            "SELECT status, count(*) FROM raw.report_files WHERE is_current GROUP BY status ORDER BY status"
        ).fetchall()
        failed = con.execute(
            "SELECT path, error_kind, error_message FROM raw.report_files WHERE is_current AND status = 'failed' "
            "ORDER BY path"
        ).fetchall()
    counts = {status: n for status, n in rows}
    metadata = {
        **{f"files_{k}": v for k, v in counts.items()},
        "failed_files": dg.MetadataValue.md("\n".join(f"- {p}: [{k}] {m}" for p, k, m in failed) or "none"),
    }
    return dg.AssetCheckResult(
        passed=not failed, severity=dg.AssetCheckSeverity.WARN, metadata=metadata
    )


def all_checks() -> list:
    checks = [ingest_errors_check]
    mart_keys = {key.path[-1]: key for key in DBT_KEYS}
    for spec in discover_suites():
        key = RAW_TABLES_KEY if spec.schema == "raw" else mart_keys[spec.table]
        checks.append(_make_suite_check(spec, key))
    return checks
