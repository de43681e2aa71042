"""Child processes with a wall-clock deadline each: the parse step's protection against a file that never ends.

:func:`run_with_deadlines` calls ``task(ready, *args)`` once per item, each in its own child process, at most
``workers`` at a time. The task calls ``ready()`` once its imports are done: the deadline starts then. A child past
its deadline is killed (SIGKILL: also stops code stuck in C); one that dies without answering is reported with its
exit code. Knows nothing about reports: the caller turns each :class:`Outcome` into a result.
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


def _child(conn, task: Callable[..., Any], args: tuple, parent_pid: int, memory_limit: int | None) -> None:
    _die_with(parent_pid)
    _limit_memory(memory_limit)
    try:
        conn.send(task(lambda: conn.send("ready"), *args))
    finally:
        conn.close()


@dataclass
class _Running:
    index: int
    process: Any
    conn: Any
    deadline: float
    ready: bool = False
    answered: bool = False
    value: Any = None


def _poll(worker: _Running, timeout: float) -> None:
    try:
        while not worker.answered and worker.conn.poll():
            message = worker.conn.recv()
            if message == "ready" and not worker.ready:
                worker.ready = True
                worker.deadline = time.monotonic() + timeout
            else:
                worker.value, worker.answered = message, True
    except (EOFError, OSError):
        pass


def run_with_deadlines(
    task: Callable[..., Any],
    items: Sequence[tuple],
    *,
    workers: int,
    timeout: float,
    preload: tuple[str, ...] = (),
    startup: float = STARTUP_SECONDS,
    memory_limit: int | None = None,
) -> list[Outcome]:
    """One :class:`Outcome` per item, in order. ``task`` must be importable by name (it is pickled by reference);
    ``preload`` names modules the forkserver imports once for every child; ``memory_limit`` caps each child's
    address space (bytes)."""
    from multiprocessing.connection import wait

    ctx = _mp_context(tuple(preload))
    outcomes: dict[int, Outcome] = {}
    queue = list(enumerate(items))
    running: list[_Running] = []

    def finish(worker: _Running, outcome: Outcome) -> None:
        worker.process.join()
        worker.conn.close()
        running.remove(worker)
        outcomes[worker.index] = outcome

    try:
        while queue or running:
            while queue and len(running) < workers:
                index, args = queue.pop(0)
                receive, send = ctx.Pipe(duplex=False)
                process = ctx.Process(target=_child, args=(send, task, tuple(args), os.getpid(), memory_limit),
                                      daemon=True)
                process.start()
                send.close()
                running.append(_Running(index, process, receive, time.monotonic() + startup))
            handles = [w.conn for w in running] + [w.process.sentinel for w in running]
            wait(handles, timeout=max(0.0, min(w.deadline for w in running) - time.monotonic()))
            for worker in list(running):
                _poll(worker, timeout)
                if not worker.answered and not worker.process.is_alive():
                    worker.process.join()
                    _poll(worker, timeout)  # it may have answered just before it ended
                if worker.answered:
                    finish(worker, Outcome(worker.value))
                elif not worker.process.is_alive():
                    finish(worker, Outcome(failure=DIED, exitcode=worker.process.exitcode))
                elif time.monotonic() >= worker.deadline:
                    worker.process.kill()
                    finish(worker, Outcome(failure=TIMEOUT if worker.ready else NOT_STARTED))
    finally:
        for worker in running:
            worker.process.kill()
            worker.process.join()
            worker.conn.close()
    return [outcomes[i] for i in range(len(items))]
