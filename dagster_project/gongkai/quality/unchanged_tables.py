"""Skip a whole-table suite whose table has not changed: a suite without a partition column (a dimension,
raw.report_files) validates its whole table, so a table holding exactly the rows it held when the
suite last validated it — under the same suite fingerprint — gets that validation's outcome again.

"The same rows" is a hash of the table (row count and the sum of row hashes: order-free), with the dimension
tables the suite looks codes up in folded in. The state (``quality.gx_table_state``: suite, fingerprint, version,
when it was validated, the outcome as JSON) sits in the warehouse it describes, like the partitioned suites' state
(:mod:`gongkai.quality.incremental`).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime

from gongkai.quality.fingerprint import suite_fingerprint
from gongkai.quality.results import ExpectationResult, SuiteResult
from gongkai.quality.specs import DIMENSION_TABLES, uses_dimensions
from gongkai.quality.suites import SUITES
from gongkai.quality.tables import validate_table
from gongkai.warehouse.duck import transaction

TABLE_STATE = "quality.gx_table_state"
_DDL = ("CREATE SCHEMA IF NOT EXISTS quality",
        f"CREATE TABLE IF NOT EXISTS {TABLE_STATE} (suite VARCHAR NOT NULL, fingerprint VARCHAR NOT NULL, "
        "version VARCHAR NOT NULL, validated_at TIMESTAMP NOT NULL, outcome VARCHAR NOT NULL)")


def table_version(con, name: str) -> str:
    """A hash of suite ``name``'s table, and of the dimension tables it looks codes up in. Timestamp columns are
    left out: no suite checks when a row was seen, and a run that only sees the same files again (a new
    ``last_seen``) must find the table unchanged."""
    spec = SUITES[name]
    tables = [spec.table, *(DIMENSION_TABLES.values() if uses_dimensions(spec) else ())]
    return "|".join(con.execute(f"SELECT count(*) || ':' || coalesce(sum({_row_hash(con, table)}::HUGEINT), 0) "
                                f"FROM {table} t").fetchone()[0] for table in tables)


def _row_hash(con, table: str) -> str:
    schema, name = table.split(".")
    columns = [c for c, t in con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                         "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
                                         [schema, name]).fetchall() if not t.startswith("TIMESTAMP")]
    quoted = ", ".join(f't."{c}"' for c in columns)
    return f"hash(row({quoted}))"


def validate_unless_unchanged(con, name: str, context=None, *, run_id: str, full: bool = False) -> SuiteResult:
    """The outcome of whole-table suite ``name`` on its table: recorded when the table and the suite are what they
    were at its last validation (and not ``full``), else validated now and recorded. ``con`` must be writable."""
    for statement in _DDL:
        con.execute(statement)
    fingerprint, version = suite_fingerprint(name), table_version(con, name)
    recorded = con.execute(f"SELECT validated_at, outcome FROM {TABLE_STATE} WHERE suite = ? AND fingerprint = ? "
                           "AND version = ?", [name, fingerprint, version]).fetchone()
    if recorded and not full:
        return _outcome(name, recorded[0], json.loads(recorded[1]), run_id)
    result = validate_table(con, name, context, run_id=run_id)
    with transaction(con):
        con.execute(f"DELETE FROM {TABLE_STATE} WHERE suite = ?", [name])
        con.execute(f"INSERT INTO {TABLE_STATE} VALUES (?, ?, ?, ?, ?)",
                    [name, fingerprint, version, result.validated_at,
                     json.dumps(_recorded(result), ensure_ascii=False, default=str)])
    return result


def _recorded(result: SuiteResult) -> dict:
    results = [{k: v for k, v in asdict(r).items() if k not in ("by_partition", "rows_by_partition")}
               for r in result.results]
    return {"rows": result.rows, "results": results}


def _outcome(name: str, validated_at: datetime, recorded: dict, run_id: str) -> SuiteResult:
    """The recorded outcome, as this run's (no row validated again: ``rows`` 0, each result says since when)."""
    since = validated_at.isoformat()
    results = [ExpectationResult(**{**r, "details": {**r["details"], "unchanged_since": since}})
               for r in recorded["results"]]
    return SuiteResult(name, SUITES[name].table, run_id, validated_at, 0, results)
