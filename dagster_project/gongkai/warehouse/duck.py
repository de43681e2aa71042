"""Two DuckDB idioms the loader and the quality state share: an explicit transaction, and an Arrow table
registered as a view for the length of a block."""

from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def transaction(con):
    """BEGIN … COMMIT, or ROLLBACK and re-raise."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


@contextmanager
def registered(con, name: str, table):
    """``table`` (Arrow or pandas) visible to SQL as ``name`` inside the block."""
    con.register(name, table)
    try:
        yield name
    finally:
        con.unregister(name)
