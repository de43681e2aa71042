"""Validating with Great Expectations 1.x: a suite's helper columns added to a pandas frame, the frame validated by
the suite's validation definition, GX's results made plain (gongkai.quality.results).

See the package docstring (gongkai.quality) for the public API. Great Expectations is imported lazily, once.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import duckdb

from gongkai.quality import gx_worker
from gongkai.quality.context import build_suite, get_context, lock, validation_definition
from gongkai.quality.helper_columns import Lookups
from gongkai.quality.results import ExpectationResult, SuiteResult, first_failing_rows
from gongkai.quality.specs import ERROR, NULL_PARTITION, ROW_CONTEXT, SuiteSpec, uses_dimensions
from gongkai.quality.suites import SUITES
from gongkai.warehouse.duck import registered

if TYPE_CHECKING:
    import pandas as pd


#: Rows GX is given per pandas frame (whole reports; a bigger report alone): GX's pandas engine holds a few copies of
#: a frame, its helper columns and every failing row, so this bounds a validation's memory
BATCH_ROWS = 50_000


def plain_objects(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with string and nullable boolean columns as Python objects (None for missing): GX's pandas engine
    and pandas 3's arrow-backed strings do not mix."""
    import pandas as pd

    frame = frame.copy()
    for column in frame.columns:
        dtype = frame[column].dtype
        if isinstance(dtype, (pd.StringDtype, pd.BooleanDtype)) or str(dtype) in ("str", "string"):
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def prepare_frame(name: str, df: pd.DataFrame, *, con=None, lookups: Lookups | None = None) -> pd.DataFrame:
    """The DataFrame a suite validates: ``df`` plus the suite's helper columns (``_…``), computed by the suite's SQL
    over ``df`` in an in-memory DuckDB (``sql_columns``)."""
    spec = SUITES[name]
    if lookups is None:
        lookups = Lookups(con=con, use_dims=uses_dimensions(spec))
    frame = plain_objects(df)
    if spec.sql_columns is not None:
        frame = plain_objects(_sql_columns_of_frame(spec, frame, lookups))
    return frame


def _sql_columns_of_frame(spec: SuiteSpec, frame: pd.DataFrame, lookups: Lookups) -> pd.DataFrame:
    with duckdb.connect() as local, registered(local, "_gx_frame", frame.assign(_gx_row=range(len(frame)))), \
            spec.sql_columns(local, "_gx_frame", lookups) as select:
        return local.execute(f"SELECT * EXCLUDE (_gx_row) FROM ({select}) ORDER BY _gx_row").df()


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
    frame = prepare_frame(name, df, con=con, lookups=lookups)
    return validate_frame(SUITES[name], frame, context, run_id=run_id, by_partition=by_partition)


def validate_frame(spec: SuiteSpec, frame: pd.DataFrame, context=None, *, run_id: str | None = None,
                   by_partition: bool = False, only: Collection[int] | None = None) -> SuiteResult:
    """Run the suite's GX validation definition on ``frame`` (rows with their helper columns); with ``only``, GX
    runs the expectations of those indices (the result holds theirs only). On the default context, in the GX worker
    when this process started one (gongkai.quality.gx_worker)."""
    run_id = run_id or uuid.uuid4().hex[:16]
    worker = gx_worker.running() if context is None and SUITES.get(spec.name) is spec else None
    if worker is not None:
        try:
            return worker.validate(spec.name, frame, {"run_id": run_id, "by_partition": by_partition, "only": only})
        except gx_worker.WorkerGone:
            pass  # validated here instead
    context = context or get_context()
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
        run = RunIdentifier(run_name=run_id, run_time=validated_at)
        if only is None or len(set(only)) == len(spec.expectations):
            outcome = definition.run(batch_parameters={"dataframe": frame}, result_format=result_format, run_id=run)
        else:
            outcome = _run_some(definition, spec, sorted(set(only)), frame, result_format, run)
    results = [_plain(spec, r, by_partition and spec.partition_column is not None) for r in outcome.results]
    results.sort(key=lambda r: r.details.get("index", 0))
    return SuiteResult(spec.name, spec.table, run_id, validated_at.replace(tzinfo=None), len(frame), results)


def _run_some(definition, spec: SuiteSpec, indices: list[int], frame: pd.DataFrame, result_format: dict, run):
    """What ``definition.run`` does, for some of the suite's expectations: GX's validator on the frame, the result
    stored with the suite's validation results (data docs)."""
    from great_expectations.constants import DATAFRAME_REPLACEMENT_STR
    from great_expectations.validator.v1_validator import Validator

    suite = build_suite(spec)
    some = type(suite)(name=suite.name, expectations=[suite.expectations[i] for i in indices], meta=suite.meta)
    validator = Validator(batch_definition=definition.batch_definition, batch_parameters={"dataframe": frame},
                          result_format=result_format)
    outcome = validator.validate_expectation_suite(some)
    outcome.meta.update(validation_id=definition.id, checkpoint_id=None, run_id=run, validation_time=run.run_time,
                        batch_parameters={"dataframe": DATAFRAME_REPLACEMENT_STR})
    suite_id, result_id = definition._get_expectation_suite_and_validation_result_ids(validator=validator, run_id=run)
    definition._validation_results_store.store_validation_results(
        suite_validation_result=outcome, suite_validation_result_identifier=result_id,
        expectation_suite_identifier=suite_id)
    return outcome


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
