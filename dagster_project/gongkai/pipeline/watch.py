"""``gongkai run --watch``: run again whenever what the raw folder holds changes."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path


def watch(run: Callable[[], object], scan: Callable[[], Hashable], *, interval: float,
          on_change: Callable[[], None] = lambda: None, cycles: int | None = None,
          sleep: Callable[[float], None] = time.sleep,
          settled: Callable[[Hashable, Hashable], bool] = lambda before, now: False) -> None:
    """Run, then run again each time ``scan()`` (what the raw folder holds, by content) changes — once it has held
    still for one more ``interval``, so a file still being copied is not read half-written, unless
    ``settled(before, now)`` says the change is already still (:func:`written_before`). One process for every run:
    Dagster's definitions, Great Expectations and the run history are loaded once. ``cycles`` bounds the loop
    (tests); otherwise it runs until interrupted."""
    last = scan()
    run()
    polls = 0
    while cycles is None or polls < cycles:
        sleep(interval)
        polls += 1
        now = scan()
        if now == last:
            continue
        if not settled(last, now):
            sleep(interval)
            if scan() != now:  # still changing: look again next cycle
                continue
        last = now
        on_change()
        run()


def written_before(raw_dir: Path, before: Mapping[str, str], now: Mapping[str, str], seconds: float) -> bool:
    """Every file new or changed between two scans (path → sha256) was last written more than ``seconds`` ago — moved
    or linked into the folder whole, or copied with its times kept (which ``cp -p`` and rsync set when the copy is
    done): no write in that time, what a second look ``seconds`` later would show. A removed file needs no look."""
    limit = time.time() - seconds
    try:
        return all(os.stat(Path(raw_dir) / path).st_mtime < limit
                   for path, sha in now.items() if before.get(path) != sha)
    except OSError:  # gone or unreadable meanwhile: look again as usual
        return False
