"""One whole pipeline run in this process: partitions for the raw folder, the parse range, the Dagster job."""

from __future__ import annotations

from gongkai.pipeline.assets import ALLOW_EMPTY_TAG, FULL_REFRESH_TAG, report_files_partitions
from gongkai.pipeline.command import has_spare_core, start_gx_worker
from gongkai.pipeline.dbt_manifests import preload
from gongkai.pipeline.dbt_model_batch import batch_is_kept
from gongkai.pipeline.definitions import defs
from gongkai.pipeline.instance import ephemeral_instance
from gongkai.pipeline.preflight import check_raw_folder, check_run, check_warehouse_path
from gongkai.pipeline.run_lock import run_lock
from gongkai.pipeline.sensors import JOB_NAME, parse_range, partition_range_tags, without_parsing
from gongkai.pipeline.summary import summarize
from gongkai.warehouse.paths import DBT_PROJECT_DIR, dbt_build_path, raw_dir, staging_dir, warehouse_path
from gongkai.warehouse.raw_folder import partition_key_for
from gongkai.warehouse.staged import stale_files
from gongkai.warehouse.workers import tune_garbage_collector


def run_pipeline(*, full_refresh: bool = False, instance=None, wait: bool = True, on_wait=None,
                 log_level: str = "DEBUG", allow_empty: bool = False):
    """Run everything in-process: add a partition per raw file, then one run that parses the partitions from the
    first file not yet staged for its content to the last (none: the run only reloads, rebuilds and checks).

    Returns ``(result, summary)``. Paths come from GONGKAI_RAW / GONGKAI_WAREHOUSE. Runs on one warehouse are
    serialized by :func:`run_lock`: with ``wait`` (the default for library callers) a second run queues; without it
    it raises :class:`~gongkai.pipeline.run_lock.RunLocked` at once (``gongkai run`` without ``--wait``).
    A missing or unreadable raw folder, an unwritable warehouse folder, a warehouse path that is no DuckDB file, and
    an empty raw folder that would empty a warehouse holding reports (unless ``allow_empty``) raise
    :class:`~gongkai.pipeline.preflight.RunRefused` before anything runs.
    """
    check_raw_folder(raw_dir())
    check_warehouse_path(warehouse_path())
    with run_lock(warehouse_path(), wait=wait, on_wait=on_wait):
        return _run_pipeline(full_refresh=full_refresh, instance=instance, log_level=log_level,
                             allow_empty=allow_empty)


def _run_pipeline(*, full_refresh: bool, instance, log_level: str, allow_empty: bool):
    tune_garbage_collector()
    raw = raw_dir()
    files = check_run(raw, warehouse_path(), allow_empty=allow_empty)  # again, now that no other run can write
    keys = [partition_key_for(p) for p in files]
    wanted = set(keys)  # `in` on the list, once a key, cost 30 ms a run at 1,000 files
    instance = instance or ephemeral_instance()
    existing = set(instance.get_dynamic_partitions(report_files_partitions.name))
    stale = [k for k in existing if k not in wanted]
    if stale:
        for key in stale:
            instance.delete_dynamic_partition(report_files_partitions.name, key)
    new = [k for k in keys if k not in existing]
    if new:
        instance.add_dynamic_partitions(report_files_partitions.name, new)
    ordered = [k for k in instance.get_dynamic_partitions(report_files_partitions.name) if k in wanted]
    to_parse = wanted if full_refresh else {partition_key_for(p) for p in stale_files(raw, files, staging_dir())}
    parse_keys = parse_range(ordered, to_parse)
    job = defs.resolve_job_def(JOB_NAME)
    run_config = {"loggers": {"console": {"config": {"log_level": log_level}}}}
    tags = {FULL_REFRESH_TAG: "true"} if full_refresh else {}
    if allow_empty:
        tags[ALLOW_EMPTY_TAG] = "true"
    if parse_keys:
        if has_spare_core():  # `gongkai run` started it before Dagster's import; a library caller starts it here
            start_gx_worker()
            preload_dbt(full_refresh=full_refresh)
        tags.update(partition_range_tags(parse_keys))
        result = job.execute_in_process(instance=instance, tags=tags, raise_on_error=False, run_config=run_config)
    else:
        result = job.execute_in_process(
            instance=instance, tags=tags, raise_on_error=False, run_config=run_config, asset_selection=without_parsing(),
        )
    return result, summarize(result, warehouse_path())


def preload_dbt(*, full_refresh: bool = False) -> None:
    """dbt's import and the kept Manifest of the dbt step's invocation (no --vars; the profile's path: the warehouse's
    stable build name, as the step passes it) in a background thread, when the dbt step will likely run dbt: not when
    the SQL of its models and tests is kept for that invocation (its step builds them without dbt,
    gongkai.pipeline.dbt_model_batch), unless the run is a full refresh."""
    build = str(dbt_build_path(warehouse_path()))
    if full_refresh or not batch_is_kept(DBT_PROJECT_DIR, build):
        preload(DBT_PROJECT_DIR, [build])
