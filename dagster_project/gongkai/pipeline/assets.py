"""Assets: parsed_report (one dynamic partition per raw file) → raw_tables → dbt models → warehouse (publish).

One lineage graph: the dbt sources (``source('raw', …)``) are the ``raw_tables`` asset (gongkai.pipeline.dbt_specs,
which builds the dbt assets' specs from dbt's manifest.json), so dbt staging models hang directly below the loader.
"""


import json
from pathlib import Path
from typing import Any

import dagster as dg

from gongkai.pipeline.dbt_project import (
    dbt_invocation,
    dbt_project_available,
    invocation_target,
    keep_partial_parse,
    prepared_manifest,
    project_fingerprint,
    record_project_version,
    recorded_project_version,
    target_dir,
)
from gongkai.pipeline.dbt_runner import selects_every_node, stream_dbt, unchanged_dbt_events
from gongkai.pipeline.dbt_specs import RAW_TABLES_KEY, DbtSpecs, load_manifest
from gongkai.pipeline.dbt_state import dbt_inputs, forget_inputs, record_build, recorded_checks, recorded_inputs
from gongkai.pipeline.report_metadata import add_partition_metadata, report_metadata
from gongkai.pipeline.resources import (
    PUBLISH_KEY,
    WAREHOUSE_POOL,
    WarehouseResource,
    run_publishes_at_end,
)
from gongkai.warehouse.load import import_pandas_in_background, load_staged
from gongkai.warehouse.paths import DBT_PROJECT_DIR, dbt_build_path
from gongkai.warehouse.raw_folder import path_for_partition_key
from gongkai.warehouse.schema import STATUS_FAILED, STATUS_LOADED, STATUS_SKIPPED
from gongkai.warehouse.staging import stage_files

#: One partition per report file; the key is the file's path relative to raw/ (sanitized, see raw_folder.partition_key_for).
report_files_partitions = dg.DynamicPartitionsDefinition(name="report_files")

#: Run tag asking for a full refresh: re-parse every file (ignore the staging cache) and ``dbt build --full-refresh``.
FULL_REFRESH_TAG = "gongkai/full_refresh"
#: Run tag allowing a load that leaves the warehouse without any report (otherwise refused: a wrong or empty raw/).
ALLOW_EMPTY_TAG = "gongkai/allow_empty"


def _tag_is_true(context, tag: str) -> bool:
    return context.run.tags.get(tag, "").lower() in ("1", "true", "yes")


def is_full_refresh(context) -> bool:
    return _tag_is_true(context, FULL_REFRESH_TAG)


class ParseConfig(dg.Config):
    force: bool = False  # parse again even if this content was staged by this parser version


@dg.asset(
    partitions_def=report_files_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="ingest",
    kinds={"python", "parquet"},
    description="Parse one report file (or a range of them, in parallel processes) and stage its rows as Parquet "
    "under warehouse/staging/<report_id>/. An unreadable file is staged as error rows; it never fails the run.",
)
def parsed_report(context: dg.AssetExecutionContext, config: ParseConfig, gongkai: WarehouseResource):
    if _run_loads(context):  # meanwhile, what the load step needs (this process only waits for the parse workers)
        gongkai.start_build_in_background(context.run.run_id)
        import_pandas_in_background()
    raw = gongkai.raw_dir()
    keys = list(context.partition_keys)
    rel_paths = [path_for_partition_key(raw, key) for key in keys]
    force = config.force or is_full_refresh(context)
    outcomes = stage_files(raw, rel_paths, gongkai.staging_dir(), force=force)
    counts = {STATUS_LOADED: 0, STATUS_FAILED: 0, STATUS_SKIPPED: 0}
    cached = 0
    for result, was_cached in outcomes:
        counts[result.status] += 1
        cached += was_cached
        note = " (already staged for this content)" if was_cached else ""
        if result.status == STATUS_FAILED:
            context.log.warning(f"UNREADABLE {result.summary()}{note}")
        elif result.status == STATUS_SKIPPED:
            context.log.info(f"SKIPPED {result.summary()}{note}")
        else:
            context.log.info(f"{result.summary()}{note}")
    # each partition's materialization describes its own report; the batch counts go to every partition of the run
    add_partition_metadata(context, {key: report_metadata(result)
                                     for key, (result, _) in zip(keys, outcomes, strict=True)})
    context.add_asset_metadata({
        "batch_files": len(outcomes),
        "batch_parsed": counts[STATUS_LOADED],
        "batch_failed": counts[STATUS_FAILED],
        "batch_skipped": counts[STATUS_SKIPPED],
        "batch_from_cache": cached,
    })
    return dg.MaterializeResult()



def _run_loads(context) -> bool:
    """This run includes ``raw_tables`` (an empty selection means the whole job)."""
    selection = context.run.asset_selection
    if selection:
        return RAW_TABLES_KEY in selection
    steps = context.run.step_keys_to_execute
    return steps is None or RAW_TABLES_KEY.to_python_identifier() in steps


@dg.asset(
    deps=[parsed_report],
    pool=WAREHOUSE_POOL,
    group_name="ingest",
    kinds={"duckdb"},
    description="The raw schema: every staged report whose content the raw folder holds now, loaded by the one "
    "writer into this run's build copy of the warehouse (their bookkeeping in one transaction, their rows in batches).",
)
def raw_tables(context: dg.AssetExecutionContext, gongkai: WarehouseResource):
    removed = gongkai.discard_stale_builds(context.instance, keep=context.run.run_id)
    for path in removed:
        context.log.info(f"removed stale build copy {path.name}")
    build = gongkai.start_build(context.run.run_id, fresh=True)
    import duckdb

    con = duckdb.connect(str(build))
    try:
        summary = load_staged(con, gongkai.staging_dir(), gongkai.raw_dir(), log=context.log.debug,
                              allow_empty=_tag_is_true(context, ALLOW_EMPTY_TAG))
    finally:
        con.close()
    for path in summary.failed:
        context.log.warning(f"unreadable file recorded in raw.ingest_errors: {path}")
    for path in summary.duplicates:
        context.log.info(f"DUPLICATE {path}: the same report as another file (raw.report_files.duplicate_of); "
                         "not loaded again")
    if not run_publishes_at_end(context):
        gongkai.publish(context.run.run_id)
        context.log.info("this run does not include the `warehouse` asset: published after raw_tables")
    return dg.MaterializeResult(metadata=summary.as_metadata())


# ------------------------------------------------------------------------------------------------------------------
# dbt


class DbtConfig(dg.Config):
    full_refresh: bool = False
    vars_json: str = "{}"  # JSON object passed to dbt as --vars


#: Why a run did not run dbt (its log and the run summary say so).
DBT_SKIPPED = ("its inputs — the raw tables, the dbt project, --vars, dbt's version — are those of the last complete "
               "build: every model is unchanged and every test keeps the outcome it had then")


DBT_SPECS = DbtSpecs(load_manifest(prepared_manifest())) if dbt_project_available() else None


def _make_dbt_assets(specs: DbtSpecs, project_dir: Path = DBT_PROJECT_DIR):
    @dg.multi_asset(
        name="gongkai_dbt",
        specs=specs.asset_specs(),
        check_specs=specs.check_specs(),
        can_subset=True,
        pool=WAREHOUSE_POOL,
    )
    def gongkai_dbt(context: dg.AssetExecutionContext, config: DbtConfig, gongkai: WarehouseResource):
        import duckdb

        version = project_fingerprint(project_dir)
        targets: list[Path] = []  # dbt's target folder, made only when dbt runs (a +1's batches need none)
        with gongkai.stable_build_name(context.run.run_id) as build:
            with duckdb.connect(str(build)) as con:  # what the warehouse was built from: one connection
                # marts built by other models or seeds: rebuilt whole (a per-report mart's columns may have changed)
                rebuild = recorded_project_version(con) != version
                invocation = dbt_invocation(
                    build, full_refresh=config.full_refresh or is_full_refresh(context) or rebuild,
                    vars=json.loads(config.vars_json or "{}"), project_version=version,
                )
                inputs = dbt_inputs(con, version, invocation.args)
                unchanged = "--full-refresh" not in invocation.args and recorded_inputs(con) == inputs
                if unchanged:
                    recorded = recorded_checks(con)
                else:
                    forget_inputs(con)
            if unchanged:
                context.log.info(f"dbt skipped: {DBT_SKIPPED}")
                yield from unchanged_dbt_events(context, specs, recorded, f"dbt skipped: {DBT_SKIPPED}")
            else:
                context.log.info(f"dbt {' '.join(invocation.args)} (GONGKAI_DBT_PATH={build})")
                saved_state = dbt_build_path(gongkai.live_path()).parent  # this warehouse's dbt parse state

                def new_target() -> Path:
                    targets.append(invocation_target(project_dir, context.run.run_id, saved_state))
                    return targets[-1]

                checks = []
                for event in stream_dbt(context, specs, project_dir, invocation.args, new_target=new_target,
                                        env=invocation.env,
                                        keep_views_and_seeds="--full-refresh" not in invocation.args):
                    if isinstance(event, dg.AssetCheckResult):
                        checks.append(event)
                    yield event
                with duckdb.connect(str(build)) as con:
                    record_project_version(con, version)
                    if selects_every_node(context, specs):
                        record_build(con, inputs, checks)
        for target in targets:
            keep_partial_parse(target, target_dir(project_dir), saved_state)
        if not run_publishes_at_end(context):
            gongkai.publish(context.run.run_id)
            context.log.info("this run does not include the `warehouse` asset: published after dbt")

    return gongkai_dbt


gongkai_dbt = _make_dbt_assets(DBT_SPECS) if DBT_SPECS is not None else None
DBT_KEYS: list[dg.AssetKey] = sorted(gongkai_dbt.keys, key=lambda k: k.to_user_string()) if gongkai_dbt else []


@dg.asset(
    key=PUBLISH_KEY,
    deps=DBT_KEYS or [raw_tables],
    pool=WAREHOUSE_POOL,
    group_name="publish",
    kinds={"duckdb"},
    description="Publish this run's build copy: os.replace() it over the live warehouse (atomic). Blocking checks "
    "upstream keep a bad build from being published; readers never see a half-written file.",
)
def warehouse(context: dg.AssetExecutionContext, gongkai: WarehouseResource):
    live = gongkai.publish(context.run.run_id)
    if live is None:
        context.log.warning("nothing to publish: this run has no build copy")
        return dg.MaterializeResult(metadata={"published": False})
    import duckdb

    metadata: dict[str, Any] = {"published": True, "path": str(live), "size_bytes": live.stat().st_size}
    con = duckdb.connect(str(live), read_only=True)
    try:
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema = 'marts' ORDER BY table_name"
        ).fetchall()
        if tables:  # one statement for every count
            counts = con.execute(" UNION ALL ".join(
                f"SELECT {i}, count(*) FROM \"{schema}\".\"{name}\"" for i, (schema, name) in enumerate(tables)
            )).fetchall()
            for i, count in sorted(counts):
                metadata[f"rows_{tables[i][1]}"] = count
    finally:
        con.close()
    return dg.MaterializeResult(metadata=metadata)


def all_assets() -> list:
    return [a for a in (parsed_report, raw_tables, gongkai_dbt, warehouse) if a is not None]
