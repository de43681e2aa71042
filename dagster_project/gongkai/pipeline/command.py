"""What ``gongkai run`` does, once or watching the raw folder: refuse at once what cannot run (before Dagster is
imported), start the parse workers and the GX worker early, run the pipeline with dbt's progress lines captured."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import sys
import time
from collections.abc import Callable


def run_once(*, full_refresh: bool, wait: bool, on_wait: Callable[[str], None], instance, verbose: bool,
             allow_empty: bool):
    """(Dagster's result, the run summary, dbt's captured progress lines, seconds the run took). Raises
    :class:`~gongkai.pipeline.preflight.RunRefused` or :class:`~gongkai.pipeline.run_lock.RunLocked`."""
    from gongkai.pipeline.preflight import check_run
    from gongkai.warehouse.paths import raw_dir, warehouse_path

    files = check_run(raw_dir(), warehouse_path(), allow_empty=allow_empty)  # before Dagster is imported: immediate
    start_early(files, full_refresh=full_refresh)
    from gongkai.pipeline.run import run_pipeline

    captured = io.StringIO()  # dbt's own progress lines: shown with -v, or when the run fails
    quiet = contextlib.nullcontext() if verbose else contextlib.redirect_stdout(captured)
    started = time.perf_counter()
    with quiet:
        result, summary = run_pipeline(full_refresh=full_refresh, wait=wait, on_wait=on_wait, instance=instance,
                                       log_level="DEBUG" if verbose else "WARNING", allow_empty=allow_empty)
    return result, summary, captured.getvalue(), time.perf_counter() - started


def start_early(files: list[str], *, full_refresh: bool) -> None:
    """Before Dagster is imported, what the run will wait for later, each on the core this process leaves idle: the
    parse workers' server importing the parser, and — when the run parses something (only new rows are validated)
    and the machine has a core to spare — the GX worker importing Great Expectations."""
    from gongkai.warehouse.paths import raw_dir, staging_dir
    from gongkai.warehouse.staged import stale_files
    from gongkai.warehouse.staging import start_workers_early

    start_workers_early()
    if not has_spare_core() or gx_worker_running():
        return
    if full_refresh or stale_files(raw_dir(), files, staging_dir()):
        start_gx_worker()


def has_spare_core() -> bool:
    """The load average (1 min) is below the core count. Otherwise a cold run's GX worker only takes its CPU from the
    run's own share (at load 5–7 on 2 cores a +1 took 10–15 s longer with it, though its checks waited 4–5 s less):
    the run then imports GX itself, when a check needs it."""
    try:
        return os.getloadavg()[0] < (os.cpu_count() or 1)
    except (OSError, AttributeError):  # no load average on this system
        return True


def gx_worker_running() -> bool:
    """This process has started the GX worker and it is alive (``gongkai run --watch`` keeps it): no need to ask
    which files a run parses before starting it. (Not imported: not started.)"""
    gx_worker = sys.modules.get("gongkai.quality.gx_worker")
    return gx_worker is not None and gx_worker.running() is not None


def start_gx_worker() -> None:
    """Start the GX worker (gongkai.quality.gx_worker) where gongkai.quality is installed; once per process."""
    if importlib.util.find_spec("gongkai.quality") is not None:
        from gongkai.quality import gx_worker

        gx_worker.start()


def watch_raw_folder(run: Callable[[object], object], *, interval: float, on_change: Callable[[], None]) -> None:
    """``run(instance)``, then again whenever the raw folder's content changes; one Dagster instance (one run
    history) for the whole watch. The GX worker is started at once and kept (a run whose rows all pass never asks
    it): the next new report's checks find Great Expectations imported and its context open. A change in the raw
    folder ends the wait between two looks at once (:class:`~gongkai.pipeline.watch.FolderChanges`). After the first
    run, dbt is imported and its kept Manifest read in a background thread while the watch waits (once): the next new
    report's dbt step finds both done."""
    from gongkai.pipeline.instance import ephemeral_instance
    from gongkai.pipeline.watch import FolderChanges, watch, written_before
    from gongkai.warehouse.paths import raw_dir, staging_dir
    from gongkai.warehouse.raw_folder import RawFolderLook

    start_gx_worker()
    instance = ephemeral_instance()

    def run_then_preload_dbt():
        from gongkai.pipeline.run import preload_dbt

        result = run(instance)
        preload_dbt()
        return result

    changes = FolderChanges(raw_dir())
    try:
        watch(run_then_preload_dbt, RawFolderLook(raw_dir(), staging_dir()), interval=interval, on_change=on_change,
              wait=changes.wait, settled=lambda before, now: written_before(raw_dir(), before, now, interval))
    finally:
        changes.close()
