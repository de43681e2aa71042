"""dbt run inside the Dagster step's own process (dbt's Python API, ``dbtRunner``), its results turned into Dagster
events (gongkai.pipeline.dbt_events) as each node ends.

Why not a ``dbt build`` subprocess: a second Python and a second ``import dbt`` cost ≈ 3 s a run, and a process that
runs again (``gongkai run --watch``) can keep dbt's parsed manifest — the parse (≈ 1.5 s even when partial) is
skipped while the project's files are unchanged. dbt runs in a worker thread; the step's thread yields each model's
materialization and each passing test's check result as dbt reports it; a failed test's result, once dbt is done,
with its failing rows (gongkai.pipeline.dbt_failures). On a run that keeps views and seeds, the project's data
tests are run after dbt by gongkai as one batch from the SQL dbt compiled for them last time
(gongkai.pipeline.dbt_test_batch), when it is kept; a run where dbt runs them keeps their SQL. When the SQL of every
table and per-report mart is kept too, and nothing about the project or the environment asks for dbt, dbt does not
run at all: gongkai builds those models as one batch before the tests (gongkai.pipeline.dbt_model_batch); every run
in which dbt builds models keeps their SQL.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import dagster as dg

from gongkai.pipeline.dbt_events import EXPLICIT_TESTS_ONLY, event_asset_key, result_events, subset_selection
from gongkai.pipeline.dbt_graph import reachable, topological_order
from gongkai.pipeline.dbt_failures import failing_test_sql, with_failing_rows
from gongkai.pipeline.dbt_manifests import parsed_manifest
from gongkai.pipeline.dbt_project import RUN_FLAGS
from gongkai.pipeline.dbt_specs import DbtSpecs
from gongkai.pipeline.dbt_kept_sql import batch_key, warehouse_catalog
from gongkai.pipeline.dbt_model_batch import ModelBatch, keep_compiled_models, kept_compiled_models
from gongkai.pipeline.dbt_test_batch import TestBatch, keep_compiled_tests, kept_compiled_tests
from gongkai.pipeline.resources import temporary_env

#: dbt events that carry a node's result (what becomes a Dagster event).
RESULT_EVENTS = frozenset({"LogSeedResult", "LogModelResult", "LogSnapshotResult", "LogTestResult"})
#: What a run builds when the project is the one that built the warehouse: tables, the per-report marts (built
#: incrementally: dbt/macros/report_marts.sql) and every test; views and seeds are what the same project created
#: before, so they are left as they are.
CHANGED_ONLY_SELECTION = ("config.materialized:table", "config.materialized:report_mart", "resource_type:test")
#: The same without the tests, when gongkai runs them (gongkai.pipeline.dbt_test_batch).
CHANGED_MODELS_ONLY = ("--select", *CHANGED_ONLY_SELECTION[:2], "--exclude", "resource_type:test")


def stream_dbt(context: dg.AssetExecutionContext, specs: DbtSpecs, project_dir: Path, args: Sequence[str], *,
               new_target: Callable[[], Path], env: Mapping[str, str],
               keep_views_and_seeds: bool = False) -> Iterator[Any]:
    """Run ``dbt <args>`` in this process for the assets and checks selected in ``context`` and yield each result's
    Dagster event (gongkai.pipeline.dbt_events); raise :class:`dagster.Failure` (after every result is yielded) if
    dbt did not succeed. ``new_target()`` makes dbt's target folder, called only when dbt runs.

    ``keep_views_and_seeds`` (the warehouse was built by this very project): views and seeds are not created again
    (:data:`CHANGED_ONLY_SELECTION`); each is reported materialized, unchanged, so that nothing downstream is skipped.
    When the SQL dbt compiled for the project's tests is kept (gongkai.pipeline.dbt_test_batch), dbt builds the
    models only (:data:`CHANGED_MODELS_ONLY`) and the tests run after it as one batch; a run in which dbt ran every
    test keeps their SQL. When the models' SQL is kept as well (gongkai.pipeline.dbt_model_batch), dbt does not run:
    the models and then the tests are built and run by gongkai. A run of a subset selects the nodes of its assets and checks by name (:func:`subset_selection`).
    """
    selected = set(context.selected_asset_keys)
    selected_checks = set(context.selected_asset_check_keys)
    kept = _views_and_seeds(specs) & selected if keep_views_and_seeds else set()
    run_env = dict(env)
    warehouse = Path(env["GONGKAI_DBT_PATH"]) if env.get("GONGKAI_DBT_PATH") else None
    tests_key = batch_key(project_dir, args, str(warehouse or ""))
    every_node = selects_every_node(context, specs)
    batch = models = None
    if every_node and kept and warehouse is not None:
        catalog = warehouse_catalog(warehouse, specs.manifest)
        tests = kept_compiled_tests(project_dir, tests_key, specs.manifest, warehouse, catalog)
        batch = TestBatch(tests, specs.manifest) if tests is not None else None
        if batch is not None:
            compiled = kept_compiled_models(project_dir, tests_key, specs.manifest, catalog)
            models = ModelBatch(compiled, specs.manifest) if compiled is not None else None
    if every_node:
        if batch is not None:
            args = [*args, *CHANGED_MODELS_ONLY]
        else:
            args = [*args, "--select", *CHANGED_ONLY_SELECTION] if kept else list(args)
    else:
        nodes = subset_selection(specs, selected, selected_checks, kept)
        args = [*args, "--select", " ".join(nodes)] if nodes else []
        run_env["DBT_INDIRECT_SELECTION"] = EXPLICIT_TESTS_ONLY
    kept_in_order = KeptAssets(kept, selected, specs)
    yield from kept_in_order.ready()
    if not args:  # nothing but kept views and seeds selected
        yield from kept_in_order.rest()
        return
    if models is not None:  # a +1 without dbt: the models, then the tests, each as one batch
        context.log.info(f"dbt not run: its {len(models.models)} tables and per-report marts built from the SQL it "
                         "compiled, then its tests (gongkai.pipeline.dbt_model_batch)")
        yield from _without_dbt(models, batch, warehouse, specs, selected_checks, kept_in_order)
        return
    location = ["--project-dir", str(project_dir), "--profiles-dir", str(project_dir),
                "--target-path", str(new_target())]
    held: list[tuple[str, dg.AssetCheckResult]] = []  # failed tests: their rows are read once dbt is done
    with DbtThread(lambda on_event: _invoke(list(args), location, project_dir, on_event), run_env) as dbt:
        raws = dbt.results()
        if batch is not None:  # the models' events wait for the tests: a failed test stops what depends on it
            raws = list(raws)
            if not isinstance(dbt.outcome, BaseException):
                import duckdb

                with duckdb.connect(str(warehouse), read_only=True) as con:
                    raws = batch.results(raws, con)
        yield from _told(raws, specs, selected_checks, kept_in_order, held)
    yield from kept_in_order.rest()
    result = dbt.outcome
    if isinstance(result, BaseException):
        yield from (check for _, check in held)
        raise result
    if warehouse is not None:
        keep_compiled_models(project_dir, tests_key, result, specs.manifest, warehouse)
    if batch is None and every_node and warehouse is not None:
        keep_compiled_tests(project_dir, tests_key, result, specs.manifest, warehouse)
    failing = {**failing_test_sql(result), **(batch.failing_sql if batch is not None else {})}
    yield from with_failing_rows(held, failing, warehouse)
    if not result.success or (batch is not None and not batch.succeeded):
        errors = [*dbt.errors, *(batch.errors if batch is not None else [])]
        detail = "; ".join(errors[-10:]) or str(result.exception or "see dbt.log in the target folder")
        raise dg.Failure(description=f"dbt {args[0]} failed: {detail}")


def _without_dbt(models: ModelBatch, tests: TestBatch, warehouse: Path, specs: DbtSpecs,
                 selected_checks: set[dg.AssetCheckKey], kept_in_order: KeptAssets) -> Iterator[Any]:
    """The kept models built and the kept tests run, their events told as dbt's would be, and the failing rows read,
    on one connection; raise :class:`dagster.Failure` (after every result) if a model or a test failed."""
    import duckdb

    held: list[tuple[str, dg.AssetCheckResult]] = []
    with duckdb.connect(str(warehouse)) as con:
        yield from _told(tests.results(models.results(con), con), specs, selected_checks, kept_in_order, held)
        yield from kept_in_order.rest()
        yield from with_failing_rows(held, tests.failing_sql, warehouse, con)
    if not models.succeeded or not tests.succeeded:
        detail = "; ".join([*models.errors, *tests.errors][-10:])
        raise dg.Failure(description=f"the dbt step's batches failed: {detail}")


def _told(raws: Iterable[Mapping[str, Any]], specs: DbtSpecs, selected_checks: set[dg.AssetCheckKey],
          kept_in_order: KeptAssets, held: list[tuple[str, dg.AssetCheckResult]]) -> Iterator[Any]:
    """Each result event's Dagster event, after the kept assets it must follow; a failed check is held in ``held``
    (told once its failing rows are read)."""
    for raw in raws:
        for dagster_event in result_events(raw, specs, selected_checks):
            key = event_asset_key(dagster_event, specs)
            yield from kept_in_order.before(key)
            if isinstance(dagster_event, dg.AssetCheckResult) and not dagster_event.passed:
                held.append((raw["data"]["node_info"]["unique_id"], dagster_event))
            else:
                yield dagster_event
                yield from kept_in_order.after(key)


def selects_every_node(context: dg.AssetExecutionContext, specs: DbtSpecs) -> bool:
    """The run builds every model and runs every test of the project (in a subset run, ``context.assets_def`` is
    the subset: the project's own keys are compared)."""
    return set(context.selected_asset_keys) == set(specs.unique_id_by_key) and \
        set(context.selected_asset_check_keys) == set(specs.test_by_check_key)


class DbtThread:
    """One dbt invocation in a worker thread, its result events read in the caller's thread (:meth:`results`).

    Leaving the ``with`` block waits for dbt to end, also when the caller stops reading because it raised (or its
    generator was closed): the dbt left running would otherwise write into the build while the step has failed, and
    share dbt's process-wide state (flags, the DuckDB environment) with the next dbt invocation in this process."""

    def __init__(self, invoke: Callable[[Callable[[Any], None]], Any], env: Mapping[str, str]) -> None:
        self._invoke = invoke
        self._env = dict(env)
        self._events: queue.SimpleQueue = queue.SimpleQueue()
        self._outcome: list[Any] = []
        self.errors: list[str] = []  # dbt's error lines, for the step's failure message
        self._thread = threading.Thread(target=self._work, name="dbt", daemon=True)

    def __enter__(self) -> DbtThread:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._thread.join()

    def results(self) -> Iterator[dict[str, Any]]:
        """Each node's result event (as a dict), as dbt reports it, until dbt has ended."""
        while (raw := self._events.get()) is not None:
            yield raw

    @property
    def outcome(self) -> Any:
        """dbt's result, or the exception the invocation raised (read once the thread has ended)."""
        return self._outcome[0] if self._outcome else RuntimeError("dbt ended without a result")

    def _on_event(self, message) -> None:
        if message.info.name in RESULT_EVENTS:
            from dbt_common.events.functions import msg_to_dict

            self._events.put(msg_to_dict(message))
        elif message.info.level == "error" and message.info.msg:
            self.errors.append(message.info.msg)

    def _work(self) -> None:
        try:
            with temporary_env(**self._env):
                self._outcome.append(self._invoke(self._on_event))
        except BaseException as error:  # noqa: BLE001 - re-raised in the step's thread
            self._outcome.append(error)
        finally:
            _close_duckdb()
            self._events.put(None)


class KeptAssets:
    """The views and seeds a run keeps, reported materialized in the order a multi-asset must yield its assets:
    each after every asset it depends on — the kept ones and those dbt builds in this run (a view over a table
    that dbt rebuilds, e.g. int_report_narrative_facts over int_report_versions, waits for that table)."""

    def __init__(self, kept: set[dg.AssetKey], selected: set[dg.AssetKey], specs: DbtSpecs,
                 note: str = "created by this project before: kept") -> None:
        self._note = note
        manifest = specs.manifest
        keys = {uid: key for key, uid in specs.unique_id_by_key.items()}
        parents = manifest["parent_map"]
        self._order = [keys[uid] for uid in topological_order(parents, keys) if keys.get(uid) in kept]
        built = selected - kept
        self._waits_for = {keys[uid]: {keys[a] for a in reachable(uid, parents) if keys.get(a) in built}
                           for uid in keys if keys[uid] in kept}
        self._ancestors = {keys[uid]: {keys[a] for a in reachable(uid, parents) if a in keys} for uid in keys}
        self._yielded: set[dg.AssetKey] = set()

    def ready(self) -> Iterator[dg.MaterializeResult]:
        """The kept assets whose built ancestors have all been yielded, not yielded yet."""
        for key in self._order:
            if key not in self._yielded and self._waits_for[key] <= self._yielded:
                yield from self._report(key)

    def before(self, key: dg.AssetKey | None) -> Iterator[dg.MaterializeResult]:
        """What must come before an event of ``key``: the kept assets among it and its ancestors."""
        if key is None:
            return
        needed = self._ancestors.get(key, set()) | {key}
        for kept in self._order:
            if kept in needed and kept not in self._yielded:
                yield from self._report(kept)

    def after(self, key: dg.AssetKey | None) -> Iterator[dg.MaterializeResult]:
        if key is not None:
            self._yielded.add(key)
        yield from self.ready()

    def rest(self) -> Iterator[dg.MaterializeResult]:
        for key in self._order:
            if key not in self._yielded:
                yield from self._report(key)

    def _report(self, key: dg.AssetKey) -> Iterator[dg.MaterializeResult]:
        self._yielded.add(key)
        yield dg.MaterializeResult(asset_key=key, metadata={"unchanged": self._note})


def unchanged_dbt_events(context: dg.AssetExecutionContext, specs: DbtSpecs,
                         checks: Mapping[dg.AssetKey, Sequence[Any]], note: str) -> Iterator[Any]:
    """A dbt step that did not run dbt: each selected asset reported materialized, unchanged (``note`` says why),
    in the order a multi-asset must yield them, each followed by its recorded check results that are selected."""
    selected = set(context.selected_asset_keys)
    selected_checks = set(context.selected_asset_check_keys)
    for result in KeptAssets(selected, selected, specs, note).rest():
        yield result
        yield from (check for check in checks.get(result.asset_key, ())
                    if dg.AssetCheckKey(check.asset_key, check.check_name) in selected_checks)


def _views_and_seeds(specs: DbtSpecs) -> set[dg.AssetKey]:
    nodes = specs.manifest["nodes"]
    return {key for key, uid in specs.unique_id_by_key.items() if nodes[uid]["resource_type"] == "seed"
            or (nodes[uid]["resource_type"] == "model" and nodes[uid]["config"].get("materialized") == "view")}


def _invoke(args: list[str], location: list[str], project_dir: Path, on_event):
    """dbtRunner with the parsed manifest of this project (project content, --vars and warehouse: kept in this
    process and in the project's target folder, gongkai.pipeline.dbt_manifests). A parse writes no manifest.json
    (:data:`RUN_FLAGS`: the definitions read the project's own, and dbt's JSON schema validation of the write
    cost ≈ 1 s of CPU a cold run); partial_parse.msgpack is still written."""
    from dbt.cli.main import dbtRunner

    vars_args = args[args.index("--vars"):args.index("--vars") + 2] if "--vars" in args else []
    # the profile's database path is in the manifest too (each node's database is the file's name)
    manifest, failed = parsed_manifest(
        project_dir, [*vars_args, os.environ.get("GONGKAI_DBT_PATH", "")],
        lambda: dbtRunner().invoke(["parse", *RUN_FLAGS, *vars_args, *location]))
    if manifest is None:
        return failed
    return dbtRunner(manifest=manifest, callbacks=[on_event]).invoke([*args, *location])


def _close_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in this process after a run (a class-level environment):
    the step's copy is opened next under another name (GX, publish), which must not find it held."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
        DuckDBConnectionManager._ENV = None
