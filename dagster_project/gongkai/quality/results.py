"""Plain outcomes of GX validations (no GX import): one expectation's result, one suite run's results, the first
failing rows an analyst is shown, and their storage in quality.gx_results."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

import pyarrow as pa

from gongkai.quality.specs import ERROR, Severity
from gongkai.warehouse.duck import registered

RESULTS_TABLE = "quality.gx_results"
FAILING_ROWS_SHOWN = 20  # failing rows kept per expectation (and per report, for carried outcomes)


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
        return {"run_id": run_id, "suite": self.suite, "table": self.table, "expectation": self.expectation,
                "column": self.column, "severity": self.severity, "success": self.success,
                "unexpected_count": self.unexpected_count,
                "details": json.dumps(self.details, ensure_ascii=False, default=str), "validated_at": validated_at}


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
    if rows:  # one statement from an Arrow table: parameters cost ≈ 0.1 ms a row to bind, executemany a statement each
        table = pa.table({column: pa.array([row[column] for row in rows], kind)
                          for column, kind in _RESULT_COLUMNS.items()})
        with registered(con, "_gx_results", table):
            con.execute(f"INSERT INTO {RESULTS_TABLE} SELECT * FROM _gx_results")
    return len(rows)


_RESULT_COLUMNS = {"run_id": "string", "suite": "string", "table": "string", "expectation": "string",
                   "column": "string", "severity": "string", "success": "bool", "unexpected_count": "int64",
                   "details": "string", "validated_at": "timestamp[us]"}


def combine(batches: list[SuiteResult]) -> SuiteResult | None:
    """One result from the results of disjoint batches of reports (a partitioned suite's verdict is their union)."""
    if len(batches) <= 1:
        return batches[0] if batches else None
    combined = []
    for parts in zip(*(b.results for b in batches), strict=True):
        failed = [p for p in parts if not p.success]
        first = failed[0] if failed else parts[0]
        counts = [p.unexpected_count for p in parts if p.unexpected_count is not None]
        by_partition = rows_by_partition = None
        if all(p.by_partition is not None for p in failed):
            by_partition = {k: n for p in failed for k, n in p.by_partition.items()}
            rows_by_partition = {k: rows for p in failed for k, rows in (p.rows_by_partition or {}).items()}
        details = dict(first.details)
        if "element_count" in details:
            details["element_count"] = sum(p.details.get("element_count", 0) for p in parts)
        first_rows = first_failing_rows(row for p in failed for row in p.details.get("failing_rows", []))
        if first_rows:
            details["failing_rows"] = first_rows
        combined.append(replace(first, success=not failed, unexpected_count=sum(counts) if counts else None,
                                details=details, by_partition=by_partition, rows_by_partition=rows_by_partition))
    last = batches[-1]
    return SuiteResult(last.suite, last.table, last.run_id, last.validated_at, sum(b.rows for b in batches), combined)
