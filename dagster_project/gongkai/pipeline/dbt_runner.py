"""dbt run inside the Dagster step's own process (dbt's Python API, ``dbtRunner``), its results turned into Dagster
events by dagster-dbt's own translation (the events a ``dbt build`` subprocess would have streamed).

Why not dagster-dbt's subprocess: a second Python and a second ``import dbt`` cost ≈ 3 s a run, and a process that
runs again (``gongkai run --watch``) can keep dbt's parsed manifest — the parse (≈ 1.5 s even when partial) is
skipped while the project's files are unchanged. dbt runs in a worker thread; the step's thread yields each model's
materialization and each passing test's check result as dbt reports it; a failed test's result, once dbt is done,
with its failing rows (gongkai.pipeline.dbt_failures).
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import dagster as dg

from gongkai.pipeline.dbt_failures import failing_test_sql, with_failing_rows
from gongkai.pipeline.dbt_project import RUN_FLAGS, project_fingerprint
from gongkai.pipeline.resources import temporary_env

#: dbt events that carry a node's result (what dagster-dbt turns into Dagster events).
RESULT_EVENTS = frozenset({"LogSeedResult", "LogModelResult", "LogSnapshotResult", "LogTestResult"})
#: What a run builds when the project is the one that built the warehouse: tables, the per-report marts (built
#: incrementally: dbt/macros/report_marts.sql) and every test; views and seeds are what the same project created
#: before, so they are left as they are.
CHANGED_ONLY_SELECTION = ("config.materialized:table", "config.materialized:report_mart", "resource_type:test")
_manifests: dict[str, Any] = {}  # project fingerprint → dbt's parsed Manifest (one entry: the current project)


def stream_dbt(context: dg.AssetExecutionContext, project, args: Sequence[str], *,
               target_path: Path, env: Mapping[str, str], keep_views_and_seeds: bool = False) -> Iterator[Any]:
    """Run ``dbt <args>`` in this process for the assets selected in ``context`` and yield dagster-dbt's events for
    each result; raise :class:`dagster.Failure` (after every result is yielded) if dbt did not succeed.

    ``keep_views_and_seeds`` (the warehouse was built by this very project): views and seeds are not created again
    (:data:`CHANGED_ONLY_SELECTION`); each is reported materialized, unchanged, so that nothing downstream is skipped.
    """
    from dagster_dbt.asset_utils import get_manifest_and_translator_from_dbt_assets, \
        get_updated_cli_invocation_params_for_context
    from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage

    manifest, translator, _ = get_manifest_and_translator_from_dbt_assets([context.assets_def])
    selection = get_updated_cli_invocation_params_for_context(context=context, manifest=manifest,
                                                              dagster_dbt_translator=translator)
    kept = _views_and_seeds(manifest, translator) & set(context.selected_asset_keys) if keep_views_and_seeds else set()
    if kept:
        args = [*args, "--select", *CHANGED_ONLY_SELECTION]
    kept_in_order = KeptAssets(kept, set(context.selected_asset_keys), manifest, translator)
    yield from kept_in_order.ready()
    project_dir = Path(selection.dbt_project.project_dir if selection.dbt_project else project.project_dir)
    location = ["--project-dir", str(project_dir), "--profiles-dir", str(project.project_dir),
                "--target-path", str(target_path)]
    run_env = dict(env)
    if selection.indirect_selection:
        run_env["DBT_INDIRECT_SELECTION"] = selection.indirect_selection
    held: list[tuple[str, dg.AssetCheckResult]] = []  # failed tests: their rows are read once dbt is done
    with DbtThread(lambda on_event: _invoke(list(args), location, project_dir, on_event), run_env) as dbt:
        for raw in dbt.results():
            event = DbtCoreCliEventMessage(raw_event=raw, event_history_metadata={})
            for dagster_event in event.to_default_asset_events(manifest=manifest, dagster_dbt_translator=translator,
                                                               context=context, target_path=target_path,
                                                               project=project):
                key = _asset_key_of(dagster_event, context)
                yield from kept_in_order.before(key)
                if isinstance(dagster_event, dg.AssetCheckResult) and not dagster_event.passed:
                    held.append((raw["data"]["node_info"]["unique_id"], dagster_event))
                else:
                    yield dagster_event
                    yield from kept_in_order.after(key)
    yield from kept_in_order.rest()
    result = dbt.outcome
    if isinstance(result, BaseException):
        yield from (check for _, check in held)
        raise result
    warehouse = Path(env["GONGKAI_DBT_PATH"]) if env.get("GONGKAI_DBT_PATH") else None
    yield from with_failing_rows(held, failing_test_sql(result), warehouse)
    if not result.success:
        detail = "; ".join(dbt.errors[-10:]) or str(result.exception or "see dbt.log in the target folder")
        raise dg.Failure(description=f"dbt {args[0]} failed: {detail}")


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

    def __init__(self, kept: set[dg.AssetKey], selected: set[dg.AssetKey], manifest: Mapping[str, Any],
                 translator, note: str = "created by this project before: kept") -> None:
        self._note = note
        keys = {uid: translator.get_asset_key(node) for uid, node in manifest["nodes"].items()}
        self._order = [keys[uid] for uid in _topological(keys, manifest) if keys[uid] in kept]
        built = selected - kept
        self._waits_for = {keys[uid]: {keys[a] for a in _ancestors(uid, manifest) if keys.get(a) in built}
                           for uid in keys if keys[uid] in kept}
        self._ancestors = {keys[uid]: {keys[a] for a in _ancestors(uid, manifest) if a in keys} for uid in keys}
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


def unchanged_dbt_events(context: dg.AssetExecutionContext, checks: Mapping[dg.AssetKey, Sequence[Any]],
                         note: str) -> Iterator[Any]:
    """A dbt step that did not run dbt: each selected asset reported materialized, unchanged (``note`` says why),
    in the order a multi-asset must yield them, each followed by its recorded check results that are selected."""
    from dagster_dbt.asset_utils import get_manifest_and_translator_from_dbt_assets

    manifest, translator, _ = get_manifest_and_translator_from_dbt_assets([context.assets_def])
    selected = set(context.selected_asset_keys)
    selected_checks = set(context.selected_asset_check_keys)
    for result in KeptAssets(selected, selected, manifest, translator, note).rest():
        yield result
        yield from (check for check in checks.get(result.asset_key, ())
                    if dg.AssetCheckKey(check.asset_key, check.check_name) in selected_checks)


def _asset_key_of(event: Any, context: dg.AssetExecutionContext) -> dg.AssetKey | None:
    """The asset an event of dagster-dbt's translation is about (an Output names its output, not its asset)."""
    if isinstance(event, dg.Output):
        return context.asset_key_for_output(event.output_name)
    return getattr(event, "asset_key", None)


def _ancestors(uid: str, manifest: Mapping[str, Any]) -> set[str]:
    seen: set[str] = set()
    stack = list(manifest["parent_map"].get(uid, []))
    while stack:
        parent = stack.pop()
        if parent not in seen:
            seen.add(parent)
            stack.extend(manifest["parent_map"].get(parent, []))
    return seen


def _topological(keys: Mapping[str, Any], manifest: Mapping[str, Any]) -> list[str]:
    """The nodes ``keys`` names in an order where every node comes after the nodes it depends on (the parent map)."""
    done: list[str] = []
    seen: set[str] = set()

    def visit(uid: str) -> None:
        if uid in seen or uid not in keys:
            return
        seen.add(uid)
        for parent in manifest["parent_map"].get(uid, []):
            visit(parent)
        done.append(uid)

    for uid in sorted(keys):
        visit(uid)
    return done


def _views_and_seeds(manifest: Mapping[str, Any], translator) -> set[dg.AssetKey]:
    return {translator.get_asset_key(node) for node in manifest["nodes"].values()
            if node["resource_type"] == "seed"
            or (node["resource_type"] == "model" and node["config"].get("materialized") == "view")}


def _invoke(args: list[str], location: list[str], project_dir: Path, on_event):
    """dbtRunner with the parsed manifest of this project (parsed once per process, project content, --vars and
    warehouse). The parse writes no manifest.json (:data:`RUN_FLAGS`: dagster-dbt reads the project's own, and
    dbt's JSON schema validation of the write cost ≈ 1 s of CPU a cold run); partial_parse.msgpack is still written."""
    from dbt.cli.main import dbtRunner

    vars_args = args[args.index("--vars"):args.index("--vars") + 2] if "--vars" in args else []
    # the profile's database path is in the manifest too (each node's database is the file's name)
    key = project_fingerprint(project_dir, *vars_args, os.environ.get("GONGKAI_DBT_PATH", ""))
    manifest = _manifests.get(key)
    if manifest is None:
        parsed = dbtRunner().invoke(["parse", *RUN_FLAGS, *vars_args, *location])
        if not parsed.success:
            return parsed
        _manifests.clear()
        _manifests[key] = manifest = parsed.result
    return dbtRunner(manifest=manifest, callbacks=[on_event]).invoke([*args, *location])


def _close_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in this process after a run (a class-level environment):
    the step's copy is opened next under another name (GX, publish), which must not find it held."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
        DuckDBConnectionManager._ENV = None
