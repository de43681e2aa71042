"""DuckDB idioms the loader and the quality state share: an explicit transaction, an Arrow table registered as a
view for the length of a block, and a memory limit for the length of a block."""

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
    """``table`` (Arrow or pandas) visible to SQL as ``name`` inside the block. A result ``con`` holds half read (a
    ``fetchone()`` of the statement before) is run to its end first: DuckDB refuses ``register()`` beside it."""
    con.complete()
    con.register(name, table)
    try:
        yield name
    finally:
        con.unregister(name)


@contextmanager
def memory_limit(con, limit: str):
    """The database's ``memory_limit`` set to ``limit`` (e.g. '256MB') inside the block, then back to what it was:
    DuckDB keeps what it wrote in its buffer pool up to its default limit (80% of the machine's memory), and evicts
    it (to the database file) only when it reaches the limit."""
    before = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    con.execute(f"SET memory_limit = '{limit}'")
    try:
        yield con
    finally:
        con.execute(f"SET memory_limit = '{before}'")
