"""``gongkai run --watch``: run again whenever what the raw folder holds changes."""

from __future__ import annotations

import os
import select
import time
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path


def watch(run: Callable[[], object], scan: Callable[[], Hashable], *, interval: float,
          on_change: Callable[[], None] = lambda: None, cycles: int | None = None,
          sleep: Callable[[float], None] = time.sleep, wait: Callable[[float], None] | None = None,
          settled: Callable[[Hashable, Hashable], bool] = lambda before, now: False) -> None:
    """Run, then run again each time ``scan()`` (what the raw folder holds, by content) changes — once it has held
    still for one more ``interval`` (``sleep``), so a file still being copied is not read half-written, unless
    ``settled(before, now)`` says the change is already still (:func:`written_before`). Between looks ``wait(interval)``
    (default ``sleep``; :class:`FolderChanges` ends it early when the folder changes). One process for every run:
    Dagster's definitions, Great Expectations and the run history are loaded once. ``cycles`` bounds the loop
    (tests); otherwise it runs until interrupted."""
    wait = wait or sleep
    last = scan()
    run()
    polls = 0
    while cycles is None or polls < cycles:
        wait(interval)
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


# inotify(7): a file or folder made, moved in or out, removed, written and closed, or its times or mode changed
_IN_ATTRIB, _IN_CLOSE_WRITE, _IN_MOVED_FROM, _IN_MOVED_TO = 0x4, 0x8, 0x40, 0x80
_IN_CREATE, _IN_DELETE, _IN_DELETE_SELF, _IN_MOVE_SELF = 0x100, 0x200, 0x400, 0x800
_CHANGES = (_IN_ATTRIB | _IN_CLOSE_WRITE | _IN_MOVED_FROM | _IN_MOVED_TO | _IN_CREATE | _IN_DELETE | _IN_DELETE_SELF
            | _IN_MOVE_SELF)
_IN_NONBLOCK, _IN_CLOEXEC = os.O_NONBLOCK, 0o2000000


class FolderChanges:
    """A wait between two looks at the raw folder that ends as soon as something in it changes — a report linked,
    moved or copied in, removed, rewritten — instead of at the end of the interval: Linux's inotify on the folder and
    the sub-folders a look descends into (hidden and symlinked ones are not). The looks still decide what changed,
    and a look still comes at least every interval, so a change inotify does not report (a network filesystem, a
    folder past the system's watch limit) is seen as without it; where there is no inotify the wait is a sleep. A wait
    ends early at most once an interval: a folder that keeps changing is looked at as often as without inotify."""

    def __init__(self, folder: Path):
        self.folder = str(folder)
        self._libc = None
        self._fd: int | None = None
        self._woken = float("-inf")  # when a wait last ended early (time.monotonic)
        try:
            import ctypes

            self._libc = ctypes.CDLL(None, use_errno=True)
            fd = self._libc.inotify_init1(_IN_NONBLOCK | _IN_CLOEXEC)
        except (OSError, AttributeError, TypeError):  # not Linux
            return
        if fd >= 0:
            self._fd = fd
            self._watch_folders()

    def wait(self, seconds: float) -> None:
        """Return after ``seconds``, or at once after a change in the folder (one already reported included)."""
        if self._fd is None:
            time.sleep(seconds)
            return
        ready, _, _ = select.select([self._fd], [], [], seconds)
        if ready:
            self._drain()
            self._watch_folders()  # a folder made since
            held = self._woken + seconds - time.monotonic()
            if held > 0:  # the last early end was less than an interval ago
                time.sleep(held)
            self._woken = time.monotonic()

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _drain(self) -> None:
        try:
            while os.read(self._fd, 65536):
                pass
        except BlockingIOError:
            pass

    def _watch_folders(self) -> None:
        """Watch the folder and every sub-folder the looks descend into (a folder already watched costs nothing)."""
        for root, dirs, _files in os.walk(self.folder, followlinks=False):
            dirs[:] = [d for d in dirs if not d.startswith(".") and not os.path.islink(os.path.join(root, d))]
            self._libc.inotify_add_watch(self._fd, os.fsencode(root), _CHANGES)  # -1 (limit reached): looks as before
