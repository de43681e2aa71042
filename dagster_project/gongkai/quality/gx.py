"""Great Expectations 1.x runner: a file context under expectations/, pandas validation, results into DuckDB.

See the package docstring (gongkai.quality) for the public API. Great Expectations is imported lazily, once.
"""

from __future__ import annotations

import functools
import json
import os
import threading
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from gongkai.quality.suites import (
    ERROR,
    NULL_PARTITION,
    ROW_CONTEXT,
    SUITES,
    Lookups,
    Severity,
    SuiteSpec,
    uses_dimensions,
)

REPO = Path(__file__).resolve().parents[3]
EXPECTATIONS_DIR = REPO / "expectations"  # the GX context root (great_expectations.yml, suites as JSON)
DEFAULT_DOCS_DIR = REPO / "warehouse" / "gx_docs"
DATASOURCE = "gongkai_pandas"
BATCH_DEFINITION = "whole_dataframe"
DOCS_SITE = "gongkai_docs"
RESULTS_TABLE = "quality.gx_results"
FAILING_ROWS_SHOWN = 20  # failing rows kept per expectation (and per report, for carried outcomes)

_GX_SEVERITY = {"error": "critical", "warning": "warning"}
_lock = threading.RLock()


@functools.cache
def _gx():
    """Import great_expectations once (it takes seconds); no usage statistics."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx

    return gx


# --- results --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExpectationResult:
    """The plain outcome of one expectation on one table."""

    suite: str
    table: str
    expectation: str  # snake_case GX type, e.g. expect_column_values_to_be_unique
    column: str | None
    severity: Severity
    success: bool
    unexpected_count: int | None
    details: dict[str, Any] = field(default_factory=dict)
    #: unexpected rows per value of the suite's partition column (when asked for), not stored
    by_partition: dict[str, int] | None = field(default=None, compare=False, repr=False)
    #: the first failing rows per value of the partition column (with ``by_partition``), not stored
    rows_by_partition: dict[str, list[dict[str, Any]]] | None = field(default=None, compare=False, repr=False)

    def as_row(self, run_id: str, validated_at: datetime) -> dict[str, Any]:
        row = asdict(self)
        row.pop("by_partition")
        row.pop("rows_by_partition")
        row["details"] = json.dumps(self.details, ensure_ascii=False, default=str)
        return {"run_id": run_id, **row, "validated_at": validated_at}


@dataclass(frozen=True)
class SuiteResult:
    """All outcomes of one suite run. ``success_errors``: no expectation of severity 'error' failed (the asset may
    proceed); ``success``: nothing failed at all (warnings included)."""

    suite: str
    table: str
    run_id: str
    validated_at: datetime
    rows: int
    results: list[ExpectationResult]

    @property
    def success_errors(self) -> bool:
        return all(r.success for r in self.results if r.severity == ERROR)

    @property
    def success(self) -> bool:
        return all(r.success for r in self.results)

    @property
    def failed(self) -> list[ExpectationResult]:
        return [r for r in self.results if not r.success]

    @property
    def errors(self) -> list[ExpectationResult]:
        return [r for r in self.failed if r.severity == ERROR]

    @property
    def warnings(self) -> list[ExpectationResult]:
        return [r for r in self.failed if r.severity != ERROR]


# --- context ----------------------------------------------------------------------------------------------------

_contexts: dict[tuple[str, str], Any] = {}


def get_context(root: str | Path = EXPECTATIONS_DIR, docs_dir: str | Path | None = None, *, sync: bool = True):
    """The GX file context rooted at ``root`` (expectations/ by default; scaffolded on first use), cached per root.

    ``gx.get_context(mode="file", context_root_dir=root)``: great_expectations.yml sits directly in ``root`` (with
    ``project_root_dir`` GX would add a ``gx/`` level). Suites are written as JSON to ``root/expectations/``,
    validation results to ``root/uncommitted/`` (not committed). Data docs are built into ``docs_dir``
    (default warehouse/gx_docs). With ``sync`` every suite of SUITES is written (add or update; unchanged
    expectations keep their ids, so the JSON files only change when the code does).
    """
    root = Path(root).resolve()
    docs = Path(docs_dir).resolve() if docs_dir is not None else DEFAULT_DOCS_DIR
    key = (str(root), str(docs))
    with _lock:
        if key in _contexts:
            return _contexts[key]
        gx = _gx()
        root.mkdir(parents=True, exist_ok=True)
        context = gx.get_context(mode="file", context_root_dir=str(root))
        _configure_docs(context, root, docs)
        if sync:
            sync_suites(context)
            for spec in SUITES.values():
                _validation_definition(context, spec)
        _contexts[key] = context
        return context


def _configure_docs(context, root: Path, docs: Path) -> None:
    """One data docs site, in ``docs``. The committed config holds the default as a path relative to the context
    root; another ``docs`` is set in memory only, so great_expectations.yml stays machine-independent."""
    default_rel = os.path.relpath(DEFAULT_DOCS_DIR, root)
    wanted = os.path.relpath(docs, root) if docs == DEFAULT_DOCS_DIR else str(docs)

    def site(base: str) -> dict:
        return {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": base},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }

    sites = context.list_data_docs_sites()
    changed = False
    if set(sites) != {DOCS_SITE} or sites[DOCS_SITE]["store_backend"]["base_directory"] != default_rel:
        for name in list(sites):
            context.delete_data_docs_site(name)
        context.add_data_docs_site(DOCS_SITE, site(default_rel))
        changed = True
    if context.variables.analytics_enabled is not False:
        context.variables.analytics_enabled = False
        changed = True
    bars = context.variables.progress_bars
    bars = bars if isinstance(bars, dict) else (vars(bars) if bars is not None else {})
    if bars.get("globally", True) or bars.get("metric_calculations", True):
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        changed = True
    if changed:
        context.variables.save()
    if wanted != default_rel:
        context.config.data_docs_sites[DOCS_SITE] = site(wanted)  # in memory only


def build_suite(spec: SuiteSpec):
    """The GX ExpectationSuite of a spec (severity error → GX 'critical', warning → 'warning'; ours kept in meta)."""
    gx = _gx()
    expectations = [
        getattr(gx.expectations, exp.type)(
            **dict(exp.kwargs),
            severity=_GX_SEVERITY[exp.severity],
            meta={"gongkai_index": index, "gongkai_severity": exp.severity, "note": exp.note},
        )
        for index, exp in enumerate(spec.expectations)
    ]
    # Expectations go through the constructor: suite.add_expectation() would write straight into a stored suite of
    # the same name in whichever context is current.
    return gx.ExpectationSuite(
        name=spec.name, expectations=expectations, meta={"table": spec.table, "description": spec.description}
    )


def sync_suites(context, names: Iterable[str] | None = None) -> None:
    """Write the suites (as code in gongkai.quality.suites) to the context's store: expectations/expectations/*.json."""
    from great_expectations.exceptions import DataContextError

    for name in names or SUITES:
        suite = build_suite(SUITES[name])
        try:
            existing = context.suites.get(name)
        except DataContextError:
            existing = None
        if existing is not None:
            # keep the ids of unchanged expectations (GX compares ids too, so new objects never look equal)
            previous = {_config_key(e): e.id for e in existing.expectations}
            for expectation in suite.expectations:
                expectation.id = previous.get(_config_key(expectation), expectation.id)
            unchanged = [_config_key(e) for e in existing.expectations] == [_config_key(e) for e in suite.expectations]
            if unchanged and [e.id for e in existing.expectations] == [e.id for e in suite.expectations] \
                    and existing.meta == suite.meta:
                continue  # unchanged: don't rewrite the JSON
        context.suites.add_or_update(suite)


def _config_key(expectation) -> str:
    config = expectation.configuration.to_json_dict()
    config.pop("id", None)
    return json.dumps(config, sort_keys=True, default=str)


def _validation_definition(context, spec: SuiteSpec):
    gx = _gx()
    from great_expectations.exceptions import DataContextError

    try:
        datasource = context.data_sources.get(DATASOURCE)
    except (KeyError, ValueError, DataContextError):
        datasource = context.data_sources.add_pandas(DATASOURCE)
    try:
        asset = datasource.get_asset(spec.name)
    except LookupError:
        asset = datasource.add_dataframe_asset(name=spec.name)
    try:
        batch_definition = asset.get_batch_definition(BATCH_DEFINITION)
    except KeyError:
        batch_definition = asset.add_batch_definition_whole_dataframe(BATCH_DEFINITION)
    try:
        definition = context.validation_definitions.get(spec.name)
    except DataContextError:
        definition = None
    if definition is None:
        suite = context.suites.get(spec.name)
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=spec.name, data=batch_definition, suite=suite)
        )
    return definition


# --- running ----------------------------------------------------------------------------------------------------

def prepare_frame(name: str, df: pd.DataFrame, *, con=None, lookups: Lookups | None = None) -> pd.DataFrame:
    """The DataFrame a suite validates: ``df`` plus the suite's helper columns (``_…``)."""
    spec = SUITES[name]
    if lookups is None:
        lookups = Lookups(con=con, use_dims=uses_dimensions(spec))
    frame = df.copy()
    # GX's pandas engine and pandas 3's arrow-backed strings: hand it plain objects.
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.StringDtype) or str(frame[column].dtype) in ("str", "string"):
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    if spec.prepare is not None:
        frame = spec.prepare(frame, lookups)
    return frame


def run_suite(
    name: str,
    df: pd.DataFrame,
    context=None,
    *,
    con=None,
    lookups: Lookups | None = None,
    run_id: str | None = None,
    by_partition: bool = False,
) -> SuiteResult:
    """Validate ``df`` (rows of the suite's table) with suite ``name``; results are also stored in the context
    (for data docs). ``con`` (DuckDB) or ``lookups`` supply the dimension codes for membership expectations
    (marts: marts.dim_*_class; raw / no connection: the seed's reference codes). With ``by_partition`` each failed
    result also counts its unexpected rows per value of the suite's ``partition_column``."""
    spec = SUITES[name]
    context = context or get_context()
    frame = prepare_frame(name, df, con=con, lookups=lookups)
    run_id = run_id or uuid.uuid4().hex[:16]
    context_columns = [c for c in ROW_CONTEXT if c in frame.columns]
    if by_partition and spec.partition_column and spec.partition_column not in context_columns:
        context_columns.insert(0, spec.partition_column)
    result_format: dict[str, Any] = {"result_format": "COMPLETE", "partial_unexpected_count": 10,
                                     "unexpected_index_column_names": context_columns,
                                     "return_unexpected_index_query": False}
    with _lock:
        definition = _validation_definition(context, spec)
        from great_expectations.core.run_identifier import RunIdentifier

        validated_at = datetime.now(timezone.utc)
        outcome = definition.run(
            batch_parameters={"dataframe": frame},
            result_format=result_format,
            run_id=RunIdentifier(run_name=run_id, run_time=validated_at),
        )
    results = [_plain(spec, r, by_partition and spec.partition_column is not None) for r in outcome.results]
    results.sort(key=lambda r: r.details.get("index", 0))
    return SuiteResult(spec.name, spec.table, run_id, validated_at.replace(tzinfo=None), len(frame), results)


def _plain(spec: SuiteSpec, result, by_partition: bool = False) -> ExpectationResult:
    config = result.expectation_config
    meta = config.meta or {}
    index = meta.get("gongkai_index")
    exp = spec.expectations[index] if isinstance(index, int) and index < len(spec.expectations) else None
    body = result.result or {}
    details: dict[str, Any] = {"index": index, "note": exp.note if exp else meta.get("note", "")}
    kwargs = {k: v for k, v in config.kwargs.items() if k not in ("batch_id",)}
    if "value_set" in kwargs and len(kwargs["value_set"]) > 20:
        kwargs["value_set"] = f"<{len(kwargs['value_set'])} values>"
    details["kwargs"] = kwargs
    for key in ("element_count", "unexpected_percent", "partial_unexpected_list", "observed_value"):
        if key in body:
            details[key] = body[key]
    info = result.exception_info or {}
    if info.get("raised_exception"):
        details["exception"] = info.get("exception_message")
    unexpected = body.get("unexpected_count")
    failing = body.get("unexpected_index_list") or []
    if failing:
        details["failing_rows"] = first_failing_rows(failing)
    partitions = rows_by_partition = None
    if by_partition and "unexpected_index_list" in body:
        grouped: dict[str, list[Mapping[str, Any]]] = {}
        for row in failing:
            value = row.get(spec.partition_column)
            key = NULL_PARTITION if value is None or value != value else str(value)  # value != value: NaN
            grouped.setdefault(key, []).append(row)
        partitions = {key: len(rows) for key, rows in grouped.items()}
        rows_by_partition = {key: first_failing_rows(rows) for key, rows in grouped.items()}
    return ExpectationResult(
        suite=spec.name,
        table=spec.table,
        expectation=config.type,
        column=exp.column if exp else config.kwargs.get("column"),
        severity=exp.severity if exp else meta.get("gongkai_severity", ERROR),
        success=bool(result.success),
        unexpected_count=int(unexpected) if unexpected is not None else None,
        details=details,
        by_partition=partitions,
        rows_by_partition=rows_by_partition,
    )


def first_failing_rows(rows: Iterable[Mapping[str, Any]], limit: int = FAILING_ROWS_SHOWN) -> list[dict[str, Any]]:
    """The first ``limit`` distinct failing rows (context columns and the checked value), JSON-ready: a long-form
    table repeats a row once per cell, and an analyst needs each row once."""
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for row in rows:
        plain = {k: _json_value(v) for k, v in row.items()}
        key = json.dumps(plain, sort_keys=True, ensure_ascii=False, default=str)
        if key not in seen:
            seen.add(key)
            out.append(plain)
            if len(out) >= limit:
                break
    return out


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, float):
        return None if value != value else float(value)  # NaN: NULL
    if hasattr(value, "item"):  # numpy scalars
        return _json_value(value.item())
    if isinstance(value, int):
        return value
    return str(value)


def validate_table(con, name: str, context=None, *, run_id: str | None = None) -> SuiteResult:
    """Read the suite's table from DuckDB into pandas and run the suite on it."""
    spec = SUITES[name]
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


# --- storing ----------------------------------------------------------------------------------------------------

RESULTS_DDL = f"""
CREATE TABLE IF NOT EXISTS {RESULTS_TABLE} (
    run_id VARCHAR NOT NULL,
    suite VARCHAR NOT NULL,
    "table" VARCHAR NOT NULL,
    expectation VARCHAR NOT NULL,
    "column" VARCHAR,
    severity VARCHAR NOT NULL,          -- 'error' | 'warning'
    success BOOLEAN NOT NULL,
    unexpected_count BIGINT,
    details VARCHAR,                    -- JSON: kwargs, note, partial unexpected values, exception
    validated_at TIMESTAMP NOT NULL
)"""


def store_results(con, results: SuiteResult | Iterable[SuiteResult | ExpectationResult], *,
                  run_id: str | None = None) -> int:
    """Append results to quality.gx_results (created if missing). Returns the number of rows written."""
    if isinstance(results, SuiteResult):
        results = [results]
    rows: list[dict[str, Any]] = []
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    for item in results:
        if isinstance(item, SuiteResult):
            rows += [r.as_row(run_id or item.run_id, item.validated_at) for r in item.results]
        else:
            rows.append(item.as_row(run_id or "adhoc", now))
    con.execute("CREATE SCHEMA IF NOT EXISTS quality")
    con.execute(RESULTS_DDL)
    if rows:
        columns = ["run_id", "suite", "table", "expectation", "column", "severity", "success",
                   "unexpected_count", "details", "validated_at"]
        con.executemany(
            f"INSERT INTO {RESULTS_TABLE} VALUES ({', '.join('?' for _ in columns)})",
            [[row[c] for c in columns] for row in rows],
        )
    return len(rows)


def build_docs(context=None) -> dict[str, str]:
    """Build the GX data docs (suites and stored validation results) into the docs dir; returns {site: url}."""
    context = context or get_context()
    with _lock:
        return context.build_data_docs(site_names=[DOCS_SITE])
