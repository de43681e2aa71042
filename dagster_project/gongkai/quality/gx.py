"""Validating with Great Expectations 1.x: a suite's helper columns added to a pandas frame, the frame validated by
the suite's validation definition, GX's results made plain (gongkai.quality.results).

See the package docstring (gongkai.quality) for the public API. Great Expectations is imported lazily, once.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

import pandas as pd

from gongkai.quality.context import build_docs, get_context, lock, validation_definition
from gongkai.quality.helper_columns import Lookups
from gongkai.quality.results import ExpectationResult, SuiteResult, first_failing_rows, store_results
from gongkai.quality.specs import ERROR, NULL_PARTITION, ROW_CONTEXT, SuiteSpec, uses_dimensions
from gongkai.quality.suites import SUITES


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
    with lock:
        definition = validation_definition(context, spec)
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
