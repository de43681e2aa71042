"""Validating in DuckDB: SQL finds the rows that may fail, Great Expectations judges them.

For a suite whose helper columns are SQL (gongkai.quality.raw_columns) or that has none, and whose expectations are
all decided row by row or by key (:func:`sql_checkable`), DuckDB computes the helper columns over the table and
selects the *candidate* rows: those that fail at least one expectation's condition written in SQL
(:func:`failure_condition`), a condition that holds on every row GX would count as unexpected (it may hold on more:
GX decides). GX then runs, on those rows only, the suite's expectations that at least one of them may fail (each
candidate row says which); every other expectation takes GX's outcome on no rows, recorded
(gongkai.quality.no_candidates): on these rows GX would find nothing unexpected for it either. Results and failing
rows are as before, and the result records the rows of the table it stands for (``element_count``) beside the rows
GX was given (``rows_given_to_gx``). On rows GX is not given no expectation of such a suite can fail, so its
verdict and unexpected rows are those of a validation of the whole table, at the cost of the failing rows and the
expectations they may fail only. (GX's own SQL datasource is not used: on duckdb-engine it fails every expectation.)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from gongkai.quality.gx import plain_objects, validate_frame
from gongkai.quality.helper_columns import Lookups
from gongkai.quality.no_candidates import validate_no_candidates
from gongkai.quality.partitions import all_reports, report_batches, rows_of
from gongkai.quality.results import SuiteResult
from gongkai.quality.specs import NULL_PARTITION, ExpectationSpec, SuiteSpec, uses_dimensions

if TYPE_CHECKING:
    import pandas as pd

_FLOATS = ("FLOAT", "DOUBLE", "REAL")
_NUMBERS = _FLOATS + ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                      "UBIGINT", "DECIMAL")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _kind(sql_type: str) -> str:
    base = sql_type.split("(")[0].upper()
    if base == "BOOLEAN":
        return "bool"
    if base in _NUMBERS:
        return "number"
    if base == "VARCHAR":
        return "text"
    return "other"


def _literal(value, kind: str) -> str | None:
    """``value`` as a SQL literal comparable to a column of ``kind``; None when pandas would not compare them equal."""
    if kind == "bool" and isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if kind == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(float(value)) if isinstance(value, float) else str(value)
    if kind == "text" and isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return None


def _missing(column: str, types: Mapping[str, str]) -> str:
    """SQL: the value is missing as pandas sees it (NULL, or NaN in a float column)."""
    q = _quote(column)
    if types[column].split("(")[0].upper() in _FLOATS:
        return f"({q} IS NULL OR isnan({q}))"
    return f"{q} IS NULL"


def sql_checkable(spec: SuiteSpec) -> bool:
    """Whether :func:`failure_condition` covers every expectation of ``spec`` (no ``mostly``: a fraction of rows
    needs every row)."""
    return all(
        exp.type in _CONDITIONS and "mostly" not in exp.kwargs for exp in spec.expectations)


def failure_condition(exp: ExpectationSpec, types: Mapping[str, str], index: int) -> str:
    """SQL over a row (with the duplicate counts of :func:`_duplicate_counts` as ``_gx_dup_<index>``): true on every row
    GX counts as unexpected for ``exp``."""
    return _CONDITIONS[exp.type](exp.kwargs, types, index)


def _not_null(kwargs, types, index) -> str:
    return _missing(kwargs["column"], types)


def _in_set(kwargs, types, index) -> str:
    column = kwargs["column"]
    kind = _kind(types[column])
    literals = [_literal(v, kind) for v in kwargs["value_set"]]
    present = f"NOT {_missing(column, types)}"
    if any(lit is None for lit in literals) or not literals:  # compared as pandas compares: every value a candidate
        return present
    return f"({present} AND {_quote(column)} NOT IN ({', '.join(literals)}))"


def _between(kwargs, types, index) -> str:
    column = _quote(kwargs["column"])
    inside = [f"{column} >= {kwargs['min_value']!r}"] if kwargs.get("min_value") is not None else []
    inside += [f"{column} <= {kwargs['max_value']!r}"] if kwargs.get("max_value") is not None else []
    if not inside:
        return "false"
    return f"(NOT {_missing(kwargs['column'], types)} AND NOT ({' AND '.join(inside)}))"


def _regex(kwargs, types, index) -> str:
    column = kwargs["column"]
    pattern = kwargs["regex"].replace("'", "''")
    return f"(NOT {_missing(column, types)} AND NOT regexp_matches(CAST({_quote(column)} AS VARCHAR), '{pattern}'))"


def _pair_a_ge_b(kwargs, types, index) -> str:
    a, b = kwargs["column_A"], kwargs["column_B"]
    if kwargs.get("ignore_row_if") != "either_value_is_missing" or not kwargs.get("or_equal"):
        return "true"
    return (f"(NOT {_missing(a, types)} AND NOT {_missing(b, types)} "
            f"AND NOT ({_quote(a)} >= {_quote(b)}))")


def _duplicated(kwargs, types, index) -> str:
    return f"_gx_dup_{index} > 1"


_CONDITIONS = {
    "ExpectColumnValuesToNotBeNull": _not_null,
    "ExpectColumnValuesToBeInSet": _in_set,
    "ExpectColumnValuesToBeBetween": _between,
    "ExpectColumnValuesToMatchRegex": _regex,
    "ExpectColumnPairValuesAToBeGreaterThanB": _pair_a_ge_b,
    "ExpectColumnValuesToBeUnique": _duplicated,
    "ExpectCompoundColumnsToBeUnique": _duplicated,
}


def _duplicate_counts(spec: SuiteSpec) -> list[str]:
    """``count(*) OVER (PARTITION BY key)`` for each uniqueness expectation (NULLs grouped together: a superset)."""
    out = []
    for index, exp in enumerate(spec.expectations):
        key = exp.kwargs.get("column_list") or ([exp.kwargs["column"]] if exp.type == "ExpectColumnValuesToBeUnique"
                                                else None)
        if key is not None and exp.type in ("ExpectColumnValuesToBeUnique", "ExpectCompoundColumnsToBeUnique"):
            out.append(f"count(*) OVER (PARTITION BY {', '.join(_quote(c) for c in key)}) AS _gx_dup_{index}")
    return out


@contextmanager
def _prepared(con, spec: SuiteSpec, source: str, lookups: Lookups) -> Iterator[str]:
    if spec.sql_columns is None:
        yield f"SELECT * FROM {source}"
        return
    with spec.sql_columns(con, source, lookups) as select:
        yield select


def candidate_rows(con, spec: SuiteSpec, source: str, lookups: Lookups,
                   rows: int | None = None) -> tuple[int, pd.DataFrame]:
    """(rows of ``source`` — counted unless given —, its candidate rows with the suite's helper columns, by partition
    and in table order). ``source`` holds each row's position in its table as ``_gx_rowid``. Each candidate row says,
    per expectation, whether it meets that expectation's failure condition (``_gx_may_fail_<index>``)."""
    if rows is None:
        rows = con.execute(f"SELECT count(*) FROM {source}").fetchone()[0]
    with _prepared(con, spec, source, lookups) as select:
        types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {select})").fetchall())
        conditions = [failure_condition(exp, types, i) for i, exp in enumerate(spec.expectations)]
        windows = _duplicate_counts(spec)
        helpers = ", ".join(["*", *windows])
        drop = ", ".join(["_gx_rowid", *(w.rsplit(" AS ", 1)[1] for w in windows)])
        order = ", ".join([*([_quote(spec.partition_column)] if spec.partition_column else []), "_gx_rowid"])
        flags = "".join(f", coalesce({c}, false) AS {_may_fail(i)}" for i, c in enumerate(conditions))
        any_flag = " OR ".join(_may_fail(i) for i in range(len(conditions))) or "false"
        frame = con.execute(f"SELECT * EXCLUDE ({drop}) FROM (SELECT *{flags} FROM (SELECT {helpers} FROM ({select}))) "
                            f"WHERE {any_flag} ORDER BY {order}").df()
    return rows, plain_objects(frame)


def _may_fail(index: int) -> str:
    """The candidate frame's column saying whether the row meets expectation ``index``'s failure condition."""
    return f"_gx_may_fail_{index}"


def _report_batches(frame: pd.DataFrame, column: str | None, batch_rows: int) -> list[pd.DataFrame]:
    """The candidate rows (ordered by ``column``) cut into frames of whole reports of at most ``batch_rows`` rows (a
    bigger report alone); one frame when the suite is not partitioned (its keys may span reports)."""
    if column is None or len(frame) <= batch_rows:
        return [frame]
    keys = frame[column].where(frame[column].notna(), NULL_PARTITION).to_numpy()
    ends = [*(np.flatnonzero(keys[1:] != keys[:-1]) + 1), len(frame)]  # where each report's rows end
    batches, begin, last = [], 0, 0
    for end in ends:
        if end - begin > batch_rows and last > begin:
            batches.append(frame.iloc[begin:last])
            begin = last
        last = end
    batches.append(frame.iloc[begin:])
    return batches


def validate_in_sql(con, spec: SuiteSpec, context, *, report_ids: list[str] | None = None, run_id: str,
                    batch_rows: int, by_partition: bool = False) -> tuple[int, list[SuiteResult]]:
    """Validate the rows of ``report_ids`` (a partitioned suite; None: every row of the table) with suite ``spec``:
    DuckDB selects the candidate rows of at most ``batch_rows`` rows of the table at a time, GX runs on them in
    frames of at most ``batch_rows`` rows (no candidate: GX's outcome on no rows, recorded). Returns (rows of the
    table validated, the result of each frame); no result when ``report_ids`` have no rows."""
    lookups = Lookups(con=con, use_dims=uses_dimensions(spec))
    column = spec.partition_column
    rows, frames = 0, []
    if column is None:
        rows, frame = candidate_rows(con, spec, f"(SELECT rowid AS _gx_rowid, * FROM {spec.table})", lookups)
        frames.append(frame)
    else:
        ids = all_reports(con, spec.table, column) if report_ids is None else report_ids
        for batch, count in report_batches(con, spec.table, column, ids, batch_rows):
            with rows_of(con, spec.table, column, batch) as relation:
                frame = candidate_rows(con, spec, relation, lookups, rows=count)[1]
            rows += count
            frames.append(frame)
        if not frames and report_ids is None:  # an empty table: GX still gives every expectation its verdict
            frames.append(candidate_rows(con, spec, f"(SELECT rowid AS _gx_rowid, * FROM {spec.table} LIMIT 0)",
                                         lookups)[1])
    if not frames:
        return 0, []
    import pandas as pd

    candidates = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if candidates.empty:
        return rows, [validate_no_candidates(spec, _without_flags(spec, candidates), context, run_id=run_id,
                                             by_partition=by_partition)]
    results = [_validate_candidates(spec, batch, context, run_id=run_id, by_partition=by_partition)
               for batch in _report_batches(candidates, column, batch_rows)]
    return rows, results


def _without_flags(spec: SuiteSpec, frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=[_may_fail(i) for i in range(len(spec.expectations))])


def _validate_candidates(spec: SuiteSpec, batch: pd.DataFrame, context, *, run_id: str,
                         by_partition: bool) -> SuiteResult:
    """GX judges the candidate rows on the expectations some of them may fail; every other expectation takes GX's
    outcome on no rows (gongkai.quality.no_candidates): on these rows GX finds nothing unexpected for it either."""
    judged = [i for i in range(len(spec.expectations)) if batch[_may_fail(i)].any()]
    frame = _without_flags(spec, batch)
    result = validate_frame(spec, frame, context, run_id=run_id, by_partition=by_partition, only=judged)
    if len(judged) == len(spec.expectations):
        return result
    on_no_rows = validate_no_candidates(spec, frame.iloc[0:0], context, run_id=run_id, by_partition=by_partition)
    by_index = {r.details.get("index"): r for r in (*on_no_rows.results, *result.results)}
    return replace(result, results=[by_index[i] for i in range(len(spec.expectations))])


def standing_for(result: SuiteResult, rows: int) -> SuiteResult:
    """A result on the candidate rows, made to stand for the ``rows`` rows they were selected from."""
    given = result.rows
    out = []
    for r in result.results:
        details = {**r.details, "rows_given_to_gx": given}
        if "element_count" in details:
            details["element_count"] = rows
        if "unexpected_percent" in details:
            details["unexpected_percent"] = 100.0 * (r.unexpected_count or 0) / rows if rows else 0.0
        out.append(replace(r, details=details))
    return replace(result, rows=rows, results=out)

