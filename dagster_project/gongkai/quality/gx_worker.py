"""Great Expectations in a process of its own (the GX worker): started with a run that will validate new rows, it
imports GX and opens its context (≈ 3 s of CPU, scipy included) on another core while the run imports Dagster,
parses and loads. Every validation of the default context is then sent to it — the suite's name, the frame GX is
given, which expectations — and its :class:`~gongkai.quality.results.SuiteResult` comes back: the same code
(:func:`gongkai.quality.gx.validate_frame`) on the same rows, so the same results; GX's own validation results are
stored by the worker in the same context. A process that starts the worker never imports GX itself.

The worker is a ``python`` running :func:`main`, talking pickles over its stdin and a copy of its stdout (its
own stdout is stderr: GX's prints never reach the protocol). It runs at the run's priority: by the time its import
is done the run waits for it (a lower priority starved it on a loaded machine). It ends when its stdin closes: when
this process ends, even by kill -9, and at once (without the interpreter's teardown, which the run would wait for).
If it dies, validations go on in this process.
"""

from __future__ import annotations

import atexit
import os
import pickle
import subprocess
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    import pandas as pd

    from gongkai.quality.results import SuiteResult


class GXWorker:
    """The client side: one validation at a time (GX's context is not thread-safe either)."""

    def __init__(self) -> None:
        package_root = str(Path(__file__).resolve().parents[2])  # the gongkai this process runs, not another install
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])))
        self.process = subprocess.Popen([sys.executable, "-c", "from gongkai.quality.gx_worker import main; main()"],
                                        env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self._lock = threading.Lock()

    def validate(self, name: str, frame: pd.DataFrame, options: dict[str, Any]) -> SuiteResult:
        """What ``validate_frame(SUITES[name], frame, **options)`` returns in the worker. Raises what it raised
        there, or :class:`WorkerGone`."""
        with self._lock:
            try:
                pickle.dump((name, frame, options), self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
                self.process.stdin.flush()
                ok, value = pickle.load(self.process.stdout)
            except (OSError, EOFError, pickle.UnpicklingError) as error:
                raise WorkerGone(f"the GX worker ended (exit code {self.process.poll()})") from error
        if not ok:
            raise value
        return value

    def stop(self) -> None:
        """Close its stdin (it ends after the validation in hand) and reap it; one still importing GX is ended."""
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            self.process.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class WorkerGone(RuntimeError):
    """The worker process ended without an answer."""


_worker: GXWorker | None = None
_start_lock = threading.Lock()


def start() -> None:
    """Start the worker now (once per process; again if it has died): GX's import and context beside the run. A
    process that cannot be started leaves the validations to this one."""
    global _worker
    with _start_lock:
        if _worker is not None and _worker.process.poll() is None:
            return
        try:
            _worker = GXWorker()
        except OSError:
            _worker = None
            return
        atexit.unregister(stop)  # registered once per process
        atexit.register(stop)


def stop() -> None:
    global _worker
    with _start_lock:
        worker, _worker = _worker, None
    if worker is not None:
        worker.stop()


def running() -> GXWorker | None:
    """The worker, when one was started in this process and is alive."""
    worker = _worker
    return worker if worker is not None and worker.process.poll() is None else None


def _answer(out: BinaryIO, ok: bool, value: object) -> None:
    try:
        data = pickle.dumps((ok, value), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as error:  # noqa: BLE001 - what does not pickle is sent as its text
        failure = error if ok else value
        data = pickle.dumps((False, RuntimeError(f"{type(failure).__name__}: {failure}")))
    out.write(data)
    out.flush()


def serve(requests: BinaryIO, out: BinaryIO) -> None:
    """The worker's loop: open the context, then answer each request until ``requests`` ends."""
    from gongkai.quality.context import get_context
    from gongkai.quality.gx import validate_frame
    from gongkai.quality.suites import SUITES

    try:
        get_context()
    except Exception:  # noqa: BLE001 - each validation opens it again and answers with the error
        pass
    while True:
        try:
            name, frame, options = pickle.load(requests)
        except EOFError:
            return
        try:
            _answer(out, True, validate_frame(SUITES[name], frame, **options))
        except Exception as error:  # noqa: BLE001 - the caller raises it
            _answer(out, False, error)


def main() -> None:
    protocol = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # print() in GX or its dependencies goes to stderr, not into the answers
    sys.stdout = sys.stderr
    serve(sys.stdin.buffer, protocol)
    sys.stderr.flush()
    os._exit(0)  # the interpreter's teardown of GX, pandas and scipy takes ≈ 0.5 s and writes nothing
