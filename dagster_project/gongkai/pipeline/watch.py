"""``gongkai run --watch``: run again whenever what the raw folder holds changes."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable


def watch(run: Callable[[], object], scan: Callable[[], Hashable], *, interval: float,
          on_change: Callable[[], None] = lambda: None, cycles: int | None = None,
          sleep: Callable[[float], None] = time.sleep) -> None:
    """Run, then run again each time ``scan()`` (what the raw folder holds, by content) changes — once it has held
    still for one more ``interval``, so a file still being copied is not read half-written. One process for every
    run: Dagster's definitions, Great Expectations and the run history are loaded once. ``cycles`` bounds the loop
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
        sleep(interval)
        if scan() != now:  # still changing: look again next cycle
            continue
        last = now
        on_change()
        run()
