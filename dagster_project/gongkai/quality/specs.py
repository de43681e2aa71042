"""Suites as data: an expectation (a GX 1.x class name, its arguments, a severity) and a suite (the table it
validates, how its helper columns are made, its expectations), with the shorthands the suites are written in.

Pure Python (no Great Expectations, no pandas import). Severities: ``error`` blocks downstream and is kept for
invariants the pipeline itself guarantees (a key unique or not NULL, an unknown status, a malformed code, a code
missing from its dimension, a rank below 1); ``warning`` is recorded and the run goes on, and is the severity of every
check on a value a department printed (identities, narrative vs tables, SME ≤ procurement total, ranges, shares,
scores): a real report's own inconsistency is data, never a blocker (its failing rows: quality.report_check_failures).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from gongkai.quality.helper_columns import Lookups

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"
TOLERANCE = 0.05  # 尾差 the reports' own rounding admits


@dataclass(frozen=True)
class ExpectationSpec:
    """One expectation: a GX 1.x expectation class name (e.g. ``ExpectColumnValuesToBeUnique``) and its kwargs."""

    type: str
    kwargs: Mapping[str, Any]
    severity: Severity = ERROR
    note: str = ""

    @property
    def column(self) -> str | None:
        if "column" in self.kwargs:
            return str(self.kwargs["column"])
        for key in ("column_list", "column_A"):
            if key in self.kwargs:
                value = self.kwargs[key]
                return ",".join(value) if isinstance(value, (list, tuple)) else str(value)
        return None


SqlColumns = Callable[[Any, str, "Lookups"], AbstractContextManager[str]]


@dataclass(frozen=True)
class SuiteSpec:
    """A suite: the table it validates (``schema.table`` in the warehouse), its expectations and how its helper
    columns are made (``sql_columns``)."""

    name: str
    table: str
    expectations: tuple[ExpectationSpec, ...]
    description: str = ""
    #: Set when the suite's verdict on the table is the union of its verdicts on each report's rows (row-level
    #: expectations, keys that include this column, helper columns local to each report): it may then validate only
    #: the reports whose rows changed since its last run and carry the outcome of the others
    #: (gongkai.quality.incremental).
    partition_column: str | None = None
    #: Helper columns computed in DuckDB (gongkai.quality.raw_columns, mart_columns): a context manager
    #: ``(con, source relation, lookups)`` yielding a SELECT of every row of the source with its helper columns.
    sql_columns: SqlColumns | None = None


#: Columns that tell an analyst which row failed (where the validated table has them): its report, where it is
#: printed, what it is. Failing rows are reported with these and the checked value.
ROW_CONTEXT = (
    "report_id", "department_id", "year", "file", "page", "line", "path", "table_family", "scope", "code",
    "function_code", "economic_code", "row_label", "item", "fact_key", "project_name", "level3", "check_name",
    "metric",
)

#: The partition of rows whose partition column is NULL (no report_id is empty).
NULL_PARTITION = ""

#: Expectations decided row by row (or, for compound keys, within the rows that share the key's values).
ROW_LEVEL_TYPES = frozenset({
    "ExpectColumnValuesToNotBeNull", "ExpectColumnValuesToBeInSet", "ExpectColumnValuesToBeBetween",
    "ExpectColumnValuesToMatchRegex", "ExpectColumnPairValuesAToBeGreaterThanB", "ExpectCompoundColumnsToBeUnique",
})


def is_partitionable(spec: SuiteSpec, column: str) -> bool:
    """Whether every expectation of ``spec`` holds on the table exactly when it holds on each ``column`` group."""
    for exp in spec.expectations:
        if exp.type == "ExpectColumnValuesToBeUnique" and exp.kwargs["column"] == column and "mostly" not in exp.kwargs:
            continue  # each group holds one value of the column: unique in every group ⟺ unique in the table
        if exp.type not in ROW_LEVEL_TYPES or "mostly" in exp.kwargs:
            return False
        if exp.type == "ExpectCompoundColumnsToBeUnique" and column not in exp.kwargs["column_list"]:
            return False
    return True


#: The dimension tables mart suites check code membership against (Lookups.codes with ``use_dims``).
DIMENSION_TABLES = {"function": "marts.dim_function_class", "economic": "marts.dim_economic_class"}


#: The helper column of a mart suite that looks its code up in :data:`DIMENSION_TABLES` (gongkai.quality.mart_columns).
CODE_IN_DIMENSION = "_code_in_dim"


def uses_dimensions(spec: SuiteSpec) -> bool:
    """Whether the suite looks codes up in :data:`DIMENSION_TABLES`: a marts suite with a membership expectation."""
    return spec.table.startswith("marts.") and any(e.column == CODE_IN_DIMENSION for e in spec.expectations)



# --- expectation shorthands -----------------------------------------------------------------------------------

def unique(column: str, severity: Severity = ERROR) -> ExpectationSpec:
    return ExpectationSpec("ExpectColumnValuesToBeUnique", {"column": column}, severity)


def not_null(column: str, severity: Severity = ERROR) -> ExpectationSpec:
    return ExpectationSpec("ExpectColumnValuesToNotBeNull", {"column": column}, severity)


def compound_unique(columns: list[str], severity: Severity = ERROR) -> ExpectationSpec:
    return ExpectationSpec("ExpectCompoundColumnsToBeUnique", {"column_list": list(columns)}, severity, "composite key")


def in_set(column: str, values: list, severity: Severity = ERROR, note: str = "") -> ExpectationSpec:
    return ExpectationSpec("ExpectColumnValuesToBeInSet", {"column": column, "value_set": list(values)}, severity, note)


def between(column: str, lo: float | None, hi: float | None, severity: Severity = WARNING, note: str = "") -> ExpectationSpec:
    kwargs: dict[str, Any] = {"column": column}
    if lo is not None:
        kwargs["min_value"] = lo
    if hi is not None:
        kwargs["max_value"] = hi
    return ExpectationSpec("ExpectColumnValuesToBeBetween", kwargs, severity, note)


def non_negative(column: str, severity: Severity = WARNING) -> ExpectationSpec:
    return between(column, 0, None, severity, "amount ≥ 0")


def pct(column: str, severity: Severity = WARNING) -> ExpectationSpec:
    return between(column, 0, 100, severity, "percentage / score within 0–100")


def regex(column: str, pattern: str, severity: Severity = ERROR) -> ExpectationSpec:
    return ExpectationSpec("ExpectColumnValuesToMatchRegex", {"column": column, "regex": pattern}, severity,
                           "well-formed code")


def within_tolerance(column: str, severity: Severity = WARNING, note: str = "") -> ExpectationSpec:
    return between(column, -TOLERANCE, TOLERANCE, severity, note)


def is_true(column: str, severity: Severity = ERROR, note: str = "") -> ExpectationSpec:
    return in_set(column, [True], severity, note)


def a_ge_b(a: str, b: str, severity: Severity = ERROR, note: str = "") -> ExpectationSpec:
    return ExpectationSpec(
        "ExpectColumnPairValuesAToBeGreaterThanB",
        {"column_A": a, "column_B": b, "or_equal": True, "ignore_row_if": "either_value_is_missing"},
        severity,
        note,
    )

