"""Long-lived worker processes with a wall-clock deadline per item: the parse step's protection against a file that
never ends.

:func:`run_with_deadlines` calls ``task(ready, *args)`` once per item in a pool of at most ``workers`` child
processes, each taking item after item (imports paid once per worker, not per file). The task calls ``ready()`` once
its imports are done: the item's deadline starts then. A worker past its deadline is killed (SIGKILL: also stops code
stuck in C) and replaced; one that dies while working on an item is reported with its exit code and replaced; one
that dies before starting its item gives the item to another worker. A worker that has grown large is retired after
its item. Workers die with the run (parent-death signal and a watchdog). Knows nothing about reports: the caller turns
each :class:`Outcome` into a result.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

#: Seconds a worker may take to start and import its code before its item is given up on (machine overloaded).
STARTUP_SECONDS = 300.0

TIMEOUT = "timeout"  # ran past its deadline after saying ready
NOT_STARTED = "not_started"  # did not say ready within STARTUP_SECONDS
DIED = "died"  # ended without an answer (signal, os._exit, OOM killer)


@dataclass
class Outcome:
    value: Any = None
    failure: str | None = None  # None | TIMEOUT | NOT_STARTED | DIED
    exitcode: int | None = None


_CONTEXTS: dict[tuple[str, ...], Any] = {}


def _mp_context(preload: tuple[str, ...]):
    """forkserver where available (cheap forks of a clean, preloaded server process; safe in a threaded parent)."""
    if preload not in _CONTEXTS:
        import multiprocessing

        try:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(list(preload))
        except ValueError:  # no forkserver (Windows)
            context = multiprocessing.get_context("spawn")
        _CONTEXTS[preload] = context
    return _CONTEXTS[preload]


def start_server(preload: tuple[str, ...]) -> None:
    """Start the forkserver now (where there is one), so that its imports of ``preload`` run beside whatever this
    process does until it parses (on another core), not when the first file waits for a worker."""
    context = _mp_context(tuple(preload))
    if context.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _die_with(parent_pid: int) -> None:
    """End this process as soon as ``parent_pid`` (the run that started it) is gone, even by kill -9: Linux's
    parent-death signal fires when the forkserver that forked us exits (it exits when the run dies), and a watchdog
    thread covers other systems and a forkserver that lingers."""
    import signal
    import threading

    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while True:
            try:
                os.kill(parent_pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass
            time.sleep(1.0)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


def _limit_memory(limit: int | None) -> None:
    """Cap this process's address space: an allocation past it raises MemoryError instead of swapping the machine."""
    if limit is None:
        return
    try:
        import resource

        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    except (ImportError, ValueError, OSError):  # no resource module (Windows), or not allowed
        pass


#: A worker whose address space has grown past this share of its memory cap is retired after its item (a fresh one
#: takes the next file): what one file left behind (fragmented heap, caches) never counts against another file's cap.
RETIRE_AT_SHARE_OF_CAP = 0.5
#: A worker is retired after this many items, whatever its size (slow leaks in the parser's libraries).
ITEMS_PER_WORKER = 500


def _address_space() -> int | None:
    """This process's virtual memory size in bytes (Linux /proc), None elsewhere."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def _should_retire(items_done: int, items_per_worker: int, memory_limit: int | None) -> bool:
    if items_done >= items_per_worker:
        return True
    size = _address_space() if memory_limit else None
    return size is not None and size > RETIRE_AT_SHARE_OF_CAP * memory_limit


#: The youngest-generation threshold of the garbage collector in a parse worker and a run's process (Python's
#: default: 700 allocations).
YOUNG_COLLECTION_THRESHOLD = 5000
_collector_tuned = False


def tune_garbage_collector() -> None:
    """Keep the collector off what this process holds now (its imported modules, which live as long as it; its
    garbage collected first), once a process, and collect the young generation less often. A parse (and a run's dbt
    and Dagster steps) allocates millions of short-lived objects, and each full collection walked every imported
    one: a parse worker spent 0.66–0.77 ms a page in the collector (now 0.10), a run of 100 real PDFs 3.0 s of its
    process's CPU (now 1.3)."""
    global _collector_tuned
    if _collector_tuned:  # a long-lived process (`--watch`) would freeze what its earlier runs left
        return
    import gc

    gc.collect()  # what is garbage now is freed, not frozen (a connection in a cycle would stay open)
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, 10, 10)
    _collector_tuned = True


def _worker(conn, task: Callable[..., Any], parent_pid: int, memory_limit: int | None, items_per_worker: int) -> None:
    """A long-lived worker: takes (index, args) until told to stop (None). Per item it answers ('ready', index) when
    the task says its imports are done, then ('done', index, value, retiring); after a retiring answer it ends."""
    _die_with(parent_pid)
    _limit_memory(memory_limit)
    tune_garbage_collector()
    items_done = 0
    try:
        while (job := conn.recv()) is not None:
            index, args = job
            value = task(lambda: conn.send(("ready", index)), *args)
            items_done += 1
            retiring = _should_retire(items_done, items_per_worker, memory_limit)
            conn.send(("done", index, value, retiring))
            if retiring:
                return
    except EOFError:  # the run is gone
        return
    finally:
        conn.close()


@dataclass
class _Worker:
    process: Any
    conn: Any
    index: int | None = None  # the item it works on, None when idle
    deadline: float = 0.0
    ready: bool = False
    retiring: bool = False


class _Pool:
    """At most ``size`` workers taking items from ``queue``; every item ends in ``outcomes``."""

    def __init__(self, ctx, task: Callable[..., Any], items: Sequence[tuple], *, size: int, timeout: float,
                 startup: float, memory_limit: int | None, items_per_worker: int):
        self.ctx, self.task, self.size = ctx, task, size
        self.items_per_worker = items_per_worker
        self.timeout, self.startup, self.memory_limit = timeout, startup, memory_limit
        self.queue: list[tuple[int, tuple]] = [(i, tuple(args)) for i, args in enumerate(items)]
        self.args = dict(self.queue)
        self.requeued: set[int] = set()
        self.outcomes: dict[int, Outcome] = {}
        self.workers: list[_Worker] = []

    def busy(self) -> list[_Worker]:
        return [w for w in self.workers if w.index is not None]

    def fill(self) -> None:
        """Start workers up to the pool size (never more than there is work for) and give each idle one an item."""
        while self.queue and len(self.workers) < min(self.size, len(self.queue) + len(self.busy())):
            self.workers.append(self._start())
        for worker in self.workers:
            if worker.index is None and self.queue:
                self._give(worker, *self.queue.pop(0))

    def _start(self) -> _Worker:
        mine, theirs = self.ctx.Pipe(duplex=True)
        process = self.ctx.Process(target=_worker, daemon=True,
                                   args=(theirs, self.task, os.getpid(), self.memory_limit, self.items_per_worker))
        process.start()
        theirs.close()
        return _Worker(process, mine)

    def _give(self, worker: _Worker, index: int, args: tuple) -> None:
        worker.index, worker.ready, worker.deadline = index, False, time.monotonic() + self.startup
        try:
            worker.conn.send((index, args))
        except OSError:  # BrokenPipeError: it is dead, found so by check()
            pass

    def check(self, worker: _Worker) -> None:
        """Read what the worker said, then settle its item if it answered, died or overran its deadline."""
        self._read(worker)
        if worker.index is None:
            if worker.retiring:
                self._remove(worker, kill=False)
            return
        if not worker.process.is_alive():
            worker.process.join()
            self._read(worker)  # it may have answered just before it ended
            if worker.index is not None:
                self._died(worker)
        elif time.monotonic() >= worker.deadline:
            self._settle(worker, Outcome(failure=TIMEOUT if worker.ready else NOT_STARTED), kill=True)

    def _read(self, worker: _Worker) -> None:
        try:
            while worker.index is not None and worker.conn.poll():
                message = worker.conn.recv()
                if message[:2] == ("ready", worker.index):
                    worker.ready, worker.deadline = True, time.monotonic() + self.timeout
                elif message[:2] == ("done", worker.index):
                    self.outcomes[worker.index] = Outcome(message[2])
                    worker.index, worker.retiring = None, message[3]
        except (EOFError, OSError):
            pass

    def _died(self, worker: _Worker) -> None:
        """A worker that died before it started its item (between items) costs the item nothing: it is given to
        another worker, once; one that died while working on it is the item's outcome."""
        index = worker.index
        if not worker.ready and index not in self.requeued:
            self.requeued.add(index)
            self.queue.insert(0, (index, self.args[index]))
            worker.index = None
            self._remove(worker, kill=True)
        else:
            self._settle(worker, Outcome(failure=DIED, exitcode=worker.process.exitcode), kill=True)

    def _settle(self, worker: _Worker, outcome: Outcome, *, kill: bool) -> None:
        self.outcomes[worker.index] = outcome
        worker.index = None
        self._remove(worker, kill=kill)

    def _remove(self, worker: _Worker, *, kill: bool) -> None:
        self.workers.remove(worker)
        _stop(worker, kill=kill)

    def close(self) -> None:
        for worker in list(self.workers):
            self._remove(worker, kill=worker.index is not None)


def _stop(worker: _Worker, *, kill: bool) -> None:
    """End a worker: SIGKILL (also stops code stuck in C), or ask an idle one to stop."""
    if kill:
        worker.process.kill()
    else:
        try:
            worker.conn.send(None)
        except OSError:
            worker.process.kill()
    worker.process.join()
    worker.conn.close()


def run_with_deadlines(
    task: Callable[..., Any],
    items: Sequence[tuple],
    *,
    workers: int,
    timeout: float,
    preload: tuple[str, ...] = (),
    startup: float = STARTUP_SECONDS,
    memory_limit: int | None = None,
    items_per_worker: int = ITEMS_PER_WORKER,
) -> list[Outcome]:
    """One :class:`Outcome` per item, in order, from at most ``workers`` long-lived processes. ``task`` must be
    importable by name (it is pickled by reference); ``preload`` names modules the forkserver imports once for every
    worker; ``memory_limit`` caps each worker's address space (bytes); a worker is retired after ``items_per_worker``
    items."""
    from multiprocessing.connection import wait

    pool = _Pool(_mp_context(tuple(preload)), task, items, size=workers, timeout=timeout, startup=startup,
                 memory_limit=memory_limit, items_per_worker=items_per_worker)
    try:
        while pool.queue or pool.busy():
            pool.fill()
            busy = pool.busy()
            wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                 timeout=max(0.0, min(w.deadline for w in busy) - time.monotonic()))
            for worker in busy:
                pool.check(worker)
    finally:
        pool.close()
    return [pool.outcomes[i] for i in range(len(items))]
