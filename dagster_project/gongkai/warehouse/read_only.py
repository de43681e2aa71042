"""A connection that can read the warehouse and nothing else, and the queries `gongkai query` and `gongkai export` run
on it.

Read-only in every sense: the file is opened ``read_only``; ``enable_external_access = false`` stops SQL from
reading or writing any other file (COPY, ATTACH, EXPORT DATABASE, read_csv, globbing, extensions, secrets); and
``lock_configuration = true`` stops SQL from switching that back on.
"""

from __future__ import annotations

import re
from pathlib import Path

BUSY_MESSAGE = "gongkai: the warehouse is busy (another process holds a write lock on {path}); retry in a moment"
CONFIG = {"enable_external_access": False, "lock_configuration": True}


class WarehouseBusy(Exception):
    pass


def connect_read_only(path: Path):
    """A read-only DuckDB connection to the warehouse; :class:`WarehouseBusy` if a writer holds its lock,
    FileNotFoundError if there is no warehouse yet."""
    import duckdb

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no warehouse at {path}: run `gongkai run` first")
    try:
        return duckdb.connect(str(path), read_only=True, config=dict(CONFIG))
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise WarehouseBusy(BUSY_MESSAGE.format(path=path)) from None
        raise


def refusal(error: Exception) -> str | None:
    """Why DuckDB refused a statement on such a connection, as the end of a one-line message; None for other
    errors (bad SQL)."""
    text = str(error)
    lowered = text.lower()
    if "read-only" in lowered or "read only" in lowered:
        return f"`gongkai query` opens the warehouse read-only, so it cannot change it ({text})"
    if "file system operations are disabled" in lowered or "external" in lowered and "disabled" in lowered:
        return f"`gongkai query` reads the warehouse only: no other file can be read, written or attached ({text})"
    if "configuration has been locked" in lowered:
        return f"`gongkai query` cannot change the connection's settings ({text})"
    return None


class QueryFailed(Exception):
    """A query the connection refused or could not run, or a mart that does not exist (a one-line message)."""


def fetch(con, sql: str) -> tuple[list[str], list[tuple]]:
    """(columns, rows) of a query on a read-only connection; :class:`QueryFailed` for a refused write or a SQL
    error."""
    import duckdb

    try:
        cursor = con.execute(sql)
        if cursor.description is None:
            return [], []
        return [d[0] for d in cursor.description], cursor.fetchall()
    except duckdb.Error as error:
        why = refusal(error)
        raise QueryFailed(f"query refused: {why}" if why else f"query failed: {error}") from None


_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")


def is_table_name(name: str) -> bool:
    """``<name>`` or ``<schema>.<name>``, nothing a query could be hidden in."""
    return bool(_IDENT.match(name))


def mart_query(con, mart: str) -> tuple[str, str]:
    """(SQL, schema.table) reading a whole mart named by :func:`is_table_name`; :class:`QueryFailed` if there is no
    such table."""
    table = mart if "." in mart else f"marts.{mart}"
    schema, name = table.split(".")
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?", [schema, name]
    ).fetchone()[0]
    if not exists:
        raise QueryFailed(f"no such mart: {table}")
    return f'SELECT * FROM "{schema}"."{name}"', table
