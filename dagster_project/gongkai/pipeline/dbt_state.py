"""What the last dbt build of a warehouse was built from, and its tests' outcomes: a run whose dbt inputs are the
same skips dbt (构建输入未变: nothing to rebuild) and reports every model unchanged and every test's last outcome.

dbt's output is a function of its inputs only: the project's files (the project version), the --vars, dbt's own
version and the raw tables (the sources). The raw tables are hashed whole (row count and the sum of row hashes:
order-free, ≈ 0.1 s CPU for 1,000 reports); ``first_seen``/``last_seen`` are left out — the loader moves them on
every run that sees the same files again, and no table dbt writes carries them (the views that show them read the
raw table live). The state sits in the warehouse it describes (``build_state.dbt_build``, ``build_state.dbt_checks``)
and is written only by a dbt run that built every model and test of the project and succeeded.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from collections.abc import Iterable, Mapping
from itertools import groupby
from typing import Any

import dagster as dg

BUILD_TABLE = "build_state.dbt_build"
CHECKS_TABLE = "build_state.dbt_checks"
#: Raw columns the loader rewrites on every run without a change of content (no dbt table carries them).
SEEN_COLUMNS = frozenset({"first_seen", "last_seen"})
_DDL = ("CREATE SCHEMA IF NOT EXISTS build_state",
        f"CREATE TABLE IF NOT EXISTS {BUILD_TABLE} (inputs VARCHAR NOT NULL, built_at TIMESTAMP NOT NULL)",
        f"CREATE TABLE IF NOT EXISTS {CHECKS_TABLE} (asset_key VARCHAR NOT NULL, check_name VARCHAR NOT NULL, "
        "passed BOOLEAN NOT NULL, severity VARCHAR NOT NULL, metadata VARCHAR NOT NULL)")
#: Check metadata that describes the dbt invocation, not the outcome: not recorded.
RUN_METADATA = frozenset({"invocation_id", "Execution Duration"})
#: Metadata kinds a recorded check outcome keeps (the failing rows' count and table, dbt's status and ids).
_KEPT_METADATA = {dg.MarkdownMetadataValue: dg.MetadataValue.md, dg.TextMetadataValue: dg.MetadataValue.text,
                  dg.IntMetadataValue: dg.MetadataValue.int, dg.FloatMetadataValue: dg.MetadataValue.float}


def sources_version(con) -> str:
    """A hash of every raw table (the dbt sources), timestamps of sight left out: their columns read in one query,
    every table's row count and sum of row hashes in another."""
    rows = con.execute("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'raw' "
                       "ORDER BY table_name, ordinal_position").fetchall()
    tables = [(table, [c for _, c in columns if c not in SEEN_COLUMNS])
              for table, columns in groupby(rows, key=lambda row: row[0])]
    sums = " UNION ALL ".join(
        f"SELECT {index} AS i, count(*), coalesce(sum(hash(row({', '.join(f't.{_quoted(c)}' for c in columns)}))"
        f"::HUGEINT), 0) FROM raw.{_quoted(table)} AS t" for index, (table, columns) in enumerate(tables))
    found = {index: (count, total) for index, count, total in con.execute(sums).fetchall()} if tables else {}
    digest = hashlib.sha256()
    for index, (table, columns) in enumerate(tables):
        count, total = found[index]
        digest.update(f"{table}:{','.join(columns)}:{count}:{total}\0".encode())
    return digest.hexdigest()


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def dbt_inputs(con, project_version: str, args: Iterable[str]) -> str:
    """One hash of everything a dbt build of the warehouse ``con`` is connected to reads: sources, project, the
    invocation's arguments, dbt's version, the database's catalog name."""
    sources = sources_version(con)
    versions = [importlib.metadata.version(package) for package in ("dbt-core", "dbt-duckdb")]
    invocation = [arg for arg in args if arg != "--full-refresh"]  # a full refresh builds the same rows
    catalog = con.execute("SELECT current_database()").fetchone()[0]  # the file's stem, which dbt's views spell out
    return hashlib.sha256(json.dumps([sources, project_version, invocation, versions, catalog]).encode()).hexdigest()


def recorded_inputs(con) -> str | None:
    """The inputs of the last complete dbt build of the warehouse (None: none recorded)."""
    if not _has_table(con, BUILD_TABLE):
        return None
    found = con.execute(f"SELECT inputs FROM {BUILD_TABLE}").fetchone()
    return found[0] if found else None


def forget_inputs(con) -> None:
    """Before dbt writes: the warehouse no longer holds a complete build of the recorded inputs."""
    if _has_table(con, BUILD_TABLE):
        con.execute(f"DELETE FROM {BUILD_TABLE}")


def record_build(con, inputs: str, checks: Iterable[dg.AssetCheckResult]) -> None:
    """After a complete, successful dbt build: its inputs and each test's outcome, replacing the previous ones."""
    rows = [(check.asset_key.to_user_string(), check.check_name, check.passed,
             getattr(check.severity, "value", str(check.severity)), json.dumps(_kept_metadata(check.metadata)))
            for check in checks]
    for statement in _DDL:
        con.execute(statement)
    con.execute("BEGIN")
    try:
        con.execute(f"DELETE FROM {BUILD_TABLE}")
        con.execute(f"DELETE FROM {CHECKS_TABLE}")
        con.execute(f"INSERT INTO {BUILD_TABLE} VALUES (?, current_timestamp::TIMESTAMP)", [inputs])
        if rows:  # one statement (executemany runs one a row: ≈ 40 ms of CPU for a build's 107 tests)
            con.execute(f"INSERT INTO {CHECKS_TABLE} SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), "
                        "unnest(?::BOOLEAN[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[])",
                        [list(column) for column in zip(*rows, strict=True)])
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def recorded_checks(con) -> dict[dg.AssetKey, list[dg.AssetCheckResult]]:
    """Each asset's test outcomes as the last complete build recorded them, marked as such (``unchanged_since``)."""
    if not _has_table(con, CHECKS_TABLE):
        return {}
    built = con.execute(f"SELECT built_at FROM {BUILD_TABLE}").fetchone()
    rows = con.execute(f"SELECT asset_key, check_name, passed, severity, metadata FROM {CHECKS_TABLE} "
                       "ORDER BY asset_key, check_name").fetchall()
    found: dict[dg.AssetKey, list[dg.AssetCheckResult]] = {}
    for key, name, passed, severity, metadata in rows:
        asset_key = dg.AssetKey.from_user_string(key)
        found.setdefault(asset_key, []).append(dg.AssetCheckResult(
            asset_key=asset_key, check_name=name, passed=passed, severity=dg.AssetCheckSeverity(severity),
            metadata={**_restored_metadata(json.loads(metadata)),
                      "unchanged_since": str(built[0]) if built else "?"}))
    return found


def _kept_metadata(metadata: Mapping[str, Any]) -> dict[str, list]:
    kept = {}
    for name, value in metadata.items():
        if name in RUN_METADATA:
            continue
        kind = next((k for k in _KEPT_METADATA if isinstance(value, k)), None)
        if kind is not None:
            kept[name] = [kind.__name__, value.value]
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            kept[name] = [type(value).__name__, value]
    return kept


def _restored_metadata(kept: Mapping[str, list]) -> dict[str, Any]:
    makers = {kind.__name__: make for kind, make in _KEPT_METADATA.items()}
    return {name: makers[kind](value) if kind in makers else value for name, (kind, value) in kept.items()}


def _has_table(con, qualified: str) -> bool:
    schema, name = qualified.split(".")
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                       [schema, name]).fetchone()[0] > 0
