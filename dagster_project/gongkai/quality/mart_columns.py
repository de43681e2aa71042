"""The helper columns of the marts' suites, computed in DuckDB SQL over the suite's rows (a warehouse table, or a
pandas frame registered in an in-memory DuckDB), so that these suites too are checked in SQL with Great Expectations
given the candidate rows only (gongkai.quality.in_sql).

Each helper is a context manager ``helpers(con, source, lookups)`` yielding a SELECT that adds the helper columns to
every row of ``source``, as gongkai.quality.raw_columns. The gaps are rounded to 6 decimals; a gap is NULL where
there is nothing to check:

- an identity gap (合计 − Σ parts, a NULL part counting as 0) where the total or every part is NULL;
- a children gap (a parent's value − Σ its children's, 类 = Σ款, 款 = Σ项) on a row without children, or whose
  children's values are all NULL;
- a code's membership in its classification (marts.dim_*_class, else the reference seed) where the code is NULL.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import pyarrow as pa

from gongkai.quality.helper_columns import Lookups
from gongkai.quality.specs import SqlColumns
from gongkai.warehouse.duck import registered

THREE_PUBLIC_PARTS = {"total": ("overseas_travel", "reception", "vehicle_total"),  # 合计 = 出国 + 接待 + 用车
                      "vehicle_total": ("vehicle_purchase", "vehicle_operation")}  # 用车 = 购置 + 运行维护


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(con, source: str) -> set[str]:
    return {name for (name,) in con.execute(f"SELECT column_name FROM (DESCRIBE SELECT * FROM {source})").fetchall()}


def _number(column: str, present: set[str], table: str = "") -> str:
    """The column as DOUBLE with NaN as NULL (as pandas reads it); NULL where the source lacks the column."""
    if column not in present:
        return "NULL::DOUBLE"
    value = f"{table + '.' if table else ''}{_quote(column)}::DOUBLE"
    return f"(CASE WHEN isnan({value}) THEN NULL ELSE {value} END)"


def identity_gap(total: str, parts: Sequence[str], present: set[str], table: str = "") -> str:
    """SQL: total − Σ parts (a NULL part counts as 0), rounded; NULL where the total or every part is NULL."""
    value = _number(total, present, table)
    values = [_number(p, present, table) for p in parts]
    summed = " + ".join(f"coalesce({v}, 0)" for v in values)
    any_part = " OR ".join(f"{v} IS NOT NULL" for v in values)
    return f"(CASE WHEN {value} IS NOT NULL AND ({any_part}) THEN round({value} - ({summed}), 6) END)"


def _children_join(source: str, keys: Sequence[str], code: str, parent: str, value: str, present: set[str],
                   alias: str) -> str:
    """A LEFT JOIN of each row to the Σ of its children's ``value`` (rows whose ``parent`` is the row's ``code``, same
    ``keys``) as ``<alias>.children``."""
    group = ", ".join(_quote(k) for k in keys)
    on = " AND ".join(f"{alias}.{_quote(k)} IS NOT DISTINCT FROM t.{_quote(k)}" for k in keys)
    return (f"LEFT JOIN (SELECT {group}, {_quote(parent)} AS _parent, sum({_number(value, present)}) AS children "
            f"FROM {source} WHERE {_quote(parent)} IS NOT NULL GROUP BY ALL) {alias} "
            f"ON {on} AND {alias}._parent = t.{_quote(code)}")


@contextmanager
def _code_set(con, kind: str, lookups: Lookups) -> Iterator[str]:
    """A relation of the codes of classification ``kind`` (``code``), for the length of the block."""
    codes = pa.table({"code": pa.array(sorted(lookups.codes(kind)), pa.string())})
    with registered(con, f"_gx_{kind}_codes", codes):
        yield f"_gx_{kind}_codes"


def _membership(code: str, codes: str) -> str:
    """SQL: the code is in the classification (NULL where the row has no code)."""
    return f"(CASE WHEN t.{_quote(code)} IS NOT NULL THEN t.{_quote(code)} IN (SELECT code FROM {codes}) END)"


def function_fact(keys: Sequence[str], columns: Sequence[str]) -> SqlColumns:
    """Expenditure / income by function code: total = Σ the other columns, a parent = Σ its children (total, and
    basic and project where the table has them), the code in the function classification."""
    checked = ("total", "basic", "project") if "basic" in columns else ("total",)

    @contextmanager
    def helpers(con, source: str, lookups: Lookups) -> Iterator[str]:
        present = _columns(con, source)
        parts = [c for c in columns if c != "total"]
        joins = [_children_join(source, keys, "function_code", "parent_code", c, present, f"children_{c}")
                 for c in checked]
        gaps = [f"round({_number(c, present, 't')} - children_{c}.children, 6) AS _children_gap_{c}" for c in checked]
        with _code_set(con, "function", lookups) as codes:
            yield (f"SELECT t.*, {identity_gap('total', parts, present, 't')} AS _identity_gap, {', '.join(gaps)}, "
                   f"{_membership('function_code', codes)} AS _code_in_dim FROM {source} t {' '.join(joins)}")

    return helpers


@contextmanager
def economic_fact(con, source: str, lookups: Lookups) -> Iterator[str]:
    """Basic expenditure by economic code: 类 = Σ款, the code in the economic classification."""
    present = _columns(con, source)
    join = _children_join(source, ["report_id"], "economic_code", "parent_code", "amount", present, "children")
    with _code_set(con, "economic", lookups) as codes:
        yield (f"SELECT t.*, round({_number('amount', present, 't')} - children.children, 6) AS _children_gap_amount, "
               f"{_membership('economic_code', codes)} AS _code_in_dim FROM {source} t {join}")


def code_in_dim(code_column: str, kind: str) -> SqlColumns:
    """The code of ``code_column`` in the classification ``kind`` ('function' / 'economic')."""

    @contextmanager
    def helpers(con, source: str, lookups: Lookups) -> Iterator[str]:
        with _code_set(con, kind, lookups) as codes:
            yield f"SELECT t.*, {_membership(code_column, codes)} AS _code_in_dim FROM {source} t"

    return helpers


@contextmanager
def three_public(con, source: str, lookups: Lookups) -> Iterator[str]:
    """三公 by item: on the 合计 row 合计 − (出国 + 接待 + 用车), on the 用车 row 用车 − (购置 + 运行维护), from each
    report's first non-NULL actual of each item (actual)."""
    present = _columns(con, source)
    order = next((c for c in ("_gx_rowid", "_gx_row") if c in present), None)
    items = sorted({i for total, parts in THREE_PUBLIC_PARTS.items() for i in (total, *parts)})
    actual = _number("actual", present)
    firsts = ", ".join(
        f"first({actual}{' ORDER BY ' + _quote(order) if order else ''}) FILTER (WHERE item = '{item}' AND "
        f"{actual} IS NOT NULL) AS {_quote(item)}" for item in items)
    wide_present = set(items)
    gaps = " ".join(f"WHEN t.item = '{total}' THEN {identity_gap(total, parts, wide_present, 'wide')}"
                    for total, parts in THREE_PUBLIC_PARTS.items())
    yield (f"SELECT t.*, CASE {gaps} END AS _parts_gap_actual FROM {source} t "
           f"LEFT JOIN (SELECT report_id, {firsts} FROM {source} GROUP BY report_id) wide "
           "ON wide.report_id = t.report_id")


@contextmanager
def procurement(con, source: str, lookups: Lookups) -> Iterator[str]:
    """Procurement: goods + works + services = total; SME amount − total (NULL when either is)."""
    present = _columns(con, source)
    yield (f"SELECT *, {identity_gap('total', ('goods', 'works', 'services'), present)} AS _parts_gap, "
           f"round({_number('sme_amount', present)} - {_number('total', present)}, 6) AS _sme_over_total "
           f"FROM {source}")


@contextmanager
def report_summary(con, source: str, lookups: Lookups) -> Iterator[str]:
    """One row per report: 本年支出合计 = 基本支出 + 项目支出."""
    present = _columns(con, source)
    yield (f"SELECT *, {identity_gap('expenditure_total', ('basic_total', 'project_total'), present)} "
           f"AS _identity_gap FROM {source}")


@contextmanager
def project_performance(con, source: str, lookups: Lookups) -> Iterator[str]:
    """Project self-evaluations: total − (indicator score + execution score − deduction)."""
    present = _columns(con, source)
    score = (f"{_number('indicator_score', present)} + coalesce({_number('execution_score', present)}, 0) "
             f"- coalesce({_number('deduction', present)}, 0)")
    yield f"SELECT *, round({_number('total_score', present)} - ({score}), 6) AS _score_gap FROM {source}"


def sources_gap(keys: Sequence[str], total: str) -> SqlColumns:
    """A budget's sources of funds: the line's ``total`` − Σ the sources counted in it (rows with the same ``keys``;
    NULL where no source is counted)."""

    @contextmanager
    def helpers(con, source: str, lookups: Lookups) -> Iterator[str]:
        present = _columns(con, source)
        counted = f"CASE WHEN coalesce(counted_in_total, false) THEN {_number('amount', present)} END"
        group = ", ".join(_quote(k) for k in keys)
        yield (f"SELECT *, round({_number(total, present)} - sum({counted}) OVER (PARTITION BY {group}), 6) "
               f"AS _sources_gap FROM {source}")

    return helpers
