"""The run lock: whole runs on one warehouse are serialized (``gongkai run``, tests, library callers)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

RUN_LOCKED_MESSAGE = (
    "gongkai: another `gongkai run` is already running on {warehouse} ({holder}); this run was not started. "
    "Retry when it has finished, or use `gongkai run --wait` to queue behind it"
)


class RunLocked(Exception):
    """Another ``gongkai run`` holds the run lock of this warehouse."""


def run_lock_path(warehouse: Path) -> Path:
    """One lock per warehouse file: two warehouses in one folder run independently."""
    return Path(warehouse).parent / f".{Path(warehouse).name}.run.lock"


@contextmanager
def run_lock(warehouse: Path, *, wait: bool = False, on_wait=None):
    """Serialize whole runs on one warehouse: an exclusive ``fcntl.flock`` on ``<warehouse dir>/.<warehouse file name>.run.lock``.

    The kernel drops the lock when its holder dies (kill -9 included), so a crashed run never blocks the next.
    Without ``wait`` a held lock raises :class:`RunLocked` (message names the holder); with it, we queue.
    No-op where fcntl is missing (Windows).
    """
    try:
        import fcntl
    except ImportError:
        yield
        return
    path = run_lock_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")  # noqa: SIM115 - held for the whole run
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "holder unknown"
            if not wait:
                raise RunLocked(RUN_LOCKED_MESSAGE.format(warehouse=warehouse, holder=holder)) from None
            if on_wait is not None:
                on_wait(holder)
            fcntl.flock(handle, fcntl.LOCK_EX)


        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {datetime.now(timezone.utc):%Y-%m-%d %H:%M:%S} UTC")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()
