"""One DuckDB cursor per thread of a pool working on one connection (DuckDB: one cursor per thread)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def thread_cursors(con) -> Iterator[Callable[[], object]]:
    """A function that gives the calling thread its own cursor of ``con`` (made at its first call); every cursor
    made is closed when the block ends."""
    local = threading.local()
    cursors = []

    def cursor():
        if not hasattr(local, "cursor"):
            local.cursor = con.cursor()
            cursors.append(local.cursor)
        return local.cursor

    try:
        yield cursor
    finally:
        for made in cursors:
            made.close()
