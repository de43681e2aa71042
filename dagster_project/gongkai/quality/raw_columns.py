"""The helper columns of the raw suites, computed in DuckDB SQL over the suite's rows (a warehouse table, or a pandas
frame registered in an in-memory DuckDB): no whole table in pandas.

A helper that needs Python (a code known through its parents printed in the same report, a printed name against the
classification reference, a column key of a table family) runs the functions of gongkai.quality.helper_columns once
per distinct input — (report, code), (code, label), (family, column) — and the rows get it by a join.

Each helper is a context manager ``helpers(con, source, lookups)`` that yields a SELECT adding the helper columns to
every row of ``source`` (a relation: a table name or a parenthesized query); the small lookup relations it
registers are unregistered on exit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pyarrow as pa

from gongkai.extract.budget_families import BUDGET_FAMILIES
from gongkai.extract.families import FAMILIES
from gongkai.quality.helper_columns import Lookups, code_known, name_consistent
from gongkai.warehouse.duck import registered

FUNCTION_FAMILIES = tuple(f.key for f in FAMILIES if f.coded == "function")
ECONOMIC_FAMILIES = tuple(f.key for f in FAMILIES if f.coded == "economic")
BUDGET_FUNCTION_FAMILIES = tuple(f.key for f in BUDGET_FAMILIES if f.coded == "function")
BUDGET_ECONOMIC_FAMILIES = tuple(f.key for f in BUDGET_FAMILIES if f.coded == "economic")
CODED_FAMILIES = {"function": FUNCTION_FAMILIES + BUDGET_FUNCTION_FAMILIES,
                  "economic": ECONOMIC_FAMILIES + BUDGET_ECONOMIC_FAMILIES}


def _text_list(values) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


def _families_coding(kind: str) -> str:
    return f"table_family IN ({_text_list(CODED_FAMILIES[kind])})"


def _known_columns() -> pa.Table:
    """(table_family, column_name) of every column key a family may hold (its columns and extras)."""
    from gongkai.extract.budget_families import BUDGET_FAMILY_BY_KEY  # light imports: regexes only
    from gongkai.extract.families import FAMILY_BY_KEY

    pairs = [(key, column) for key, family in {**FAMILY_BY_KEY, **BUDGET_FAMILY_BY_KEY}.items()
             for column in family.columns + family.extra]
    return pa.table({"table_family": [p[0] for p in pairs], "column_name": [p[1] for p in pairs]})


def _codes_known(con, source: str, kind: str, lookups: Lookups) -> pa.Table:
    """(report_id, code, known) for each code of ``kind`` a report prints (helper_columns.code_known)."""
    printed = con.execute(f"SELECT DISTINCT report_id, code FROM {source} "
                          f"WHERE {_families_coding(kind)} AND code IS NOT NULL").df()
    known = code_known(printed, "code", lookups.codes(kind)) if len(printed) else []
    return pa.table({"report_id": pa.array(printed["report_id"].tolist(), pa.string()),
                     "code": pa.array(printed["code"].tolist(), pa.string()),
                     "known": pa.array(list(known), pa.bool_())})


def _names_consistent(con, source: str, kind: str, lookups: Lookups) -> pa.Table:
    """(code, row_label, consistent) for each distinct pair printed with a code of ``kind``
    (helper_columns.name_consistent)."""
    pairs = con.execute(f"SELECT DISTINCT code, row_label FROM {source} "
                        f"WHERE {_families_coding(kind)} AND code IS NOT NULL AND row_label IS NOT NULL").df()
    consistent = name_consistent(pairs["code"], pairs["row_label"], lookups.names(kind)) if len(pairs) else []
    return pa.table({"code": pa.array(pairs["code"].tolist(), pa.string()),
                     "row_label": pa.array(pairs["row_label"].tolist(), pa.string()),
                     "consistent": pa.array(list(consistent), pa.bool_())})


@contextmanager
def table_cells(con, source: str, lookups: Lookups) -> Iterator[str]:
    """raw.table_cells: the code as a function / economic code by its family (regex, known, name consistent), the
    column key known to the family, the value NULL exactly when the cell is blank."""
    columns = {name for (name,) in con.execute(f"SELECT column_name FROM (DESCRIBE SELECT * FROM {source})").fetchall()}
    with ExitStack() as stack:
        stack.enter_context(registered(con, "_gx_known_columns", _known_columns()))
        joins, helpers = [], []
        for kind in ("function", "economic"):
            code = f"_{kind}_code"
            stack.enter_context(registered(con, f"_gx_{kind}_known", _codes_known(con, source, kind, lookups)))
            joins.append(f"LEFT JOIN _gx_{kind}_known {kind}_known ON {kind}_known.report_id = t.report_id "
                         f"AND {kind}_known.code = t.{code}")
            helpers.append(f"{kind}_known.known AS {code}_known")
            if "row_label" in columns:
                stack.enter_context(registered(con, f"_gx_{kind}_names",
                                               _names_consistent(con, source, kind, lookups)))
                joins.append(f"LEFT JOIN _gx_{kind}_names {kind}_names ON {kind}_names.code = t.{code} "
                             f"AND {kind}_names.row_label = t.row_label")
                helpers.append(f"{kind}_names.consistent AS _{kind}_name_consistent")
            else:
                helpers.append(f"NULL::BOOLEAN AS _{kind}_name_consistent")
        coded = ", ".join(f"CASE WHEN {_families_coding(kind)} THEN code END AS _{kind}_code"
                          for kind in ("function", "economic"))
        value_present = "(value IS NOT NULL AND NOT isnan(value::DOUBLE))"
        yield (
            f"SELECT t.*, {', '.join(helpers)}, "
            "coalesce(known_columns.table_family IS NOT NULL, false) AS _column_known, "
            f"(coalesce(cell_status = 'value', false) = {value_present}) "
            "OR coalesce(cell_status = 'ambiguous', false) AS _value_matches_status "
            f"FROM (SELECT *, {coded} FROM {source}) t {' '.join(joins)} "
            "LEFT JOIN _gx_known_columns known_columns ON known_columns.table_family = t.table_family "
            "AND known_columns.column_name = t.column_name"
        )


@contextmanager
def narrative_facts(con, source: str, lookups: Lookups) -> Iterator[str]:
    """raw.narrative_facts: a stated level (changes from last year are signed) and a stated share."""
    change = "coalesce(contains(fact_key, '_change_'), false)"
    yield (f"SELECT *, CASE WHEN NOT {change} THEN value::DOUBLE END AS _level_value, "
           f"CASE WHEN coalesce(ends_with(fact_key, 'share_pct'), false) AND NOT {change} THEN value::DOUBLE END "
           f"AS _share_pct FROM {source}")


@contextmanager
def performance_projects(con, source: str, lookups: Lookups) -> Iterator[str]:
    """raw.performance_projects: total score − (indicator subtotal + execution score − deduction)."""
    yield ("SELECT *, round(total_score::DOUBLE - (indicator_subtotal::DOUBLE + coalesce(execution_score::DOUBLE, 0) "
           f"- coalesce(deduction::DOUBLE, 0)), 6) AS _score_gap FROM {source}")


@contextmanager
def report_files(con, source: str, lookups: Lookups) -> Iterator[str]:
    """raw.report_files: on a current row, how many current rows share its path."""
    current = "coalesce(is_current, false)"
    yield (f"SELECT *, CASE WHEN {current} AND path IS NOT NULL THEN count(*) FILTER (WHERE {current}) "
           f"OVER (PARTITION BY path) END AS _current_versions_at_path FROM {source}")
