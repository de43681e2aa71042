"""What ``gongkai run`` does, once or watching the raw folder: refuse at once what cannot run (before Dagster is
imported), start the parse workers early, run the pipeline with dbt's progress lines captured."""

from __future__ import annotations

import contextlib
import io
import time
from collections.abc import Callable


def run_once(*, full_refresh: bool, wait: bool, on_wait: Callable[[str], None], instance, verbose: bool,
             allow_empty: bool):
    """(Dagster's result, the run summary, dbt's captured progress lines, seconds the run took). Raises
    :class:`~gongkai.pipeline.preflight.RunRefused` or :class:`~gongkai.pipeline.run_lock.RunLocked`."""
    from gongkai.pipeline.preflight import check_run
    from gongkai.warehouse.paths import raw_dir, warehouse_path

    check_run(raw_dir(), warehouse_path(), allow_empty=allow_empty)  # before Dagster is imported: immediate
    from gongkai.warehouse.staging import start_workers_early

    start_workers_early()
    from gongkai.pipeline.run import run_pipeline

    captured = io.StringIO()  # dbt's own progress lines: shown with -v, or when the run fails
    quiet = contextlib.nullcontext() if verbose else contextlib.redirect_stdout(captured)
    started = time.perf_counter()
    with quiet:
        result, summary = run_pipeline(full_refresh=full_refresh, wait=wait, on_wait=on_wait, instance=instance,
                                       log_level="DEBUG" if verbose else "WARNING", allow_empty=allow_empty)
    return result, summary, captured.getvalue(), time.perf_counter() - started


def watch_raw_folder(run: Callable[[object], object], *, interval: float, on_change: Callable[[], None]) -> None:
    """``run(instance)``, then again whenever the raw folder's content changes; one Dagster instance (one run
    history) for the whole watch. After each run, while the process waits for a change, Great Expectations' context
    is opened (a run whose rows all pass never opens it): the next new report's checks find it ready."""
    import dagster as dg

    from gongkai.pipeline.run import open_quality_context_in_background
    from gongkai.pipeline.watch import watch
    from gongkai.warehouse.paths import raw_dir, staging_dir
    from gongkai.warehouse.raw_folder import scan_raw

    instance = dg.DagsterInstance.ephemeral()

    def run_then_warm() -> None:
        run(instance)
        open_quality_context_in_background(spare_core_only=False)

    watch(run_then_warm, lambda: scan_raw(raw_dir(), staging_dir()), interval=interval, on_change=on_change)
