"""A +1's models built by gongkai as one batch, without dbt (一批模型): the SQL dbt compiled for each table and
per-report mart the last time it built it, each model once the models it reads are built (a few at once, on cursors
of one DuckDB connection) as the project's own materializations run it, each result told, in dbt's order, as the
LogModelResult event dbt would have sent.

Why: a +1 builds ≈ 55 model nodes whose SQL is ≈ 1–2 s of CPU at 1,000 reports (mostly the whole tables), while
dbt's own Python costs ≈ 30 ms a node (each node's Jinja compiled twice, ≈ 20 events, a commit) and its import ≈ 2 s. The compiled SQL of
a model depends on the project's files, --vars, the warehouse's name and, for a per-report mart, the reports this
run builds (changed_reports(): dbt/macros/report_marts.sql). Those reports are the one per-run part: report_in()
renders them between two markers that name the predicate's column, and the batch replaces each marked predicate by
``column in ('id', …)`` for the reports changed_reports() would find for that mart (every mart's by one query).

What is kept (:func:`keep_compiled_models`, beside the tests' SQL: gongkai.pipeline.dbt_kept_sql, the same key and
columns hash) after any dbt run that built models; what runs (:func:`kept_compiled_models`) only when all of it is
what the batch does exactly, else dbt runs as before:

- the project's materializations and the macros they call are the ones the batch mirrors (their text hashes to
  :data:`KNOWN_MACROS_SHA256`) and its one hook is on-run-start's ``create_state_table()``;
- no model's code, nor a macro it calls, queries the database or reads the environment while it compiles (but
  changed_reports(), whose list is the marked part, and the project's version);
- every table and per-report mart is kept, without pre- or post-hooks, persisted docs, a contract or a
  full_refresh config, its relation a table already (a per-report mart is built incrementally; a new or replaced
  relation is dbt's), a per-report mart with at least one marker;
- no DBT_* environment variable that changes what dbt does (:data:`INERT_DBT_ENV` are the ones it ignores here).
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, as_completed, wait
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from gongkai.pipeline.dbt_graph import reachable, topological_order
from gongkai.pipeline.dbt_kept_sql import Catalog, kept_path, read_kept, warehouse_catalog, write_kept
from gongkai.pipeline.dbt_manifests import manifest_key
from gongkai.pipeline.dbt_project import PROJECT_VERSION_ENV
from gongkai.pipeline.duckdb_cursors import thread_cursors

SUFFIX = ".models.json"
BATCHED = ("table", "report_mart")
#: report_in()'s marked predicate in a compiled per-report mart (dbt/macros/report_marts.sql).
MARKED_PREDICATE = re.compile(r"/\* gongkai:report_in (?P<column>[^*]+?) \*/.*?/\* gongkai:end \*/", re.S)
MARKER_PARTS = ("gongkai:report_in", "gongkai:end")
#: The project's macros whose work the batch does itself; a change to any of them (its text) makes dbt run.
MIRRORED_MACROS = ("materialization_table_duckdb", "materialization_report_mart_duckdb", "report_mart_is_incremental",
                   "unchanged_reports", "changed_reports", "report_in", "reports_to_build",
                   "record_report_fingerprints", "state_table", "create_state_table")
KNOWN_MACROS_SHA256 = "f982d4be1405433dd8c2340fe1b168b7d40ba1f210c39af029e39fc5f94ae52a"
ON_RUN_START = "{{ create_state_table() }}"
#: What in a model's Jinja reads the database or the environment when it compiles.
COMPILE_TIME_READS = re.compile(r"\b(run_query|statement|load_result|env_var)\s*\(|\badapter\.")
STATE_TABLE = "build_state.report_fingerprints"
FINGERPRINTS_MODEL = "int_report_fingerprints"
#: Models built at once (most of a small model is DuckDB planning its statements, on one core, without Python's lock).
BUILDING_THREADS = max(1, min(os.cpu_count() or 1, 4))
#: DBT_* variables that change nothing the batch does (logging, printing, parsing, usage statistics).
INERT_DBT_ENV = frozenset({"DBT_SEND_ANONYMOUS_USAGE_STATS", "DBT_LOG_PATH", "DBT_LOG_FORMAT", "DBT_LOG_FORMAT_FILE",
                           "DBT_LOG_LEVEL", "DBT_LOG_LEVEL_FILE", "DBT_LOG_FILE_MAX_BYTES", "DBT_USE_COLORS",
                           "DBT_USE_COLORS_FILE", "DBT_PRINTER_WIDTH", "DBT_QUIET", "DBT_NO_PRINT",
                           "DBT_PARTIAL_PARSE", "DBT_STATIC_PARSER", "DBT_VERSION_CHECK", "DBT_LOG_CACHE_EVENTS",
                           "DBT_PROFILES_DIR", "DBT_PROJECT_DIR"})


class UnfilledMarker(ValueError):
    """A per-report mart's kept SQL without a marked predicate, or with a marker left after filling."""


@dataclass(frozen=True)
class CompiledModel:
    """One table or per-report mart as dbt compiled it, and where it goes."""

    unique_id: str
    sql: str
    materialized: str
    relation: str  # "schema"."identifier", in the warehouse's own catalog
    identifier: str


def mirrored_macros_sha256(manifest: Mapping[str, Any]) -> str:
    """A hash of the text of :data:`MIRRORED_MACROS` and of the project's hooks, as the manifest holds them."""
    project = manifest["metadata"].get("project_name", "gongkai")
    macros = manifest["macros"]
    parts = [macros.get(f"macro.{project}.{name}", {}).get("macro_sql", "") for name in MIRRORED_MACROS]
    parts += sorted(f"{node['name']}\0{node['raw_code']}" for node in manifest["nodes"].values()
                    if node["resource_type"] == "operation")
    return hashlib.sha256("\0\0".join(parts).encode()).hexdigest()


def batched_models(manifest: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The models a +1's dbt step builds (its selection: the tables and the per-report marts), by unique_id."""
    return {uid: node for uid, node in manifest["nodes"].items() if node["resource_type"] == "model"
            and node["config"].get("enabled", True) and node["config"].get("materialized") in BATCHED}


def why_dbt_runs(manifest: Mapping[str, Any]) -> str | None:
    """What of the project or the environment the batch cannot do exactly (None: nothing)."""
    if mirrored_macros_sha256(manifest) != KNOWN_MACROS_SHA256:
        return "the materializations, their macros or the hooks are not those the batch mirrors"
    hooks = [node for node in manifest["nodes"].values() if node["resource_type"] == "operation"]
    if [(h["name"].rsplit("-", 1)[0].endswith("on-run-start"), h["raw_code"].strip()) for h in hooks] \
            != [(True, ON_RUN_START)]:
        return "hooks other than on-run-start's create_state_table()"
    flags = sorted(name for name in os.environ if name.startswith("DBT_") and name not in INERT_DBT_ENV)
    if flags:
        return f"dbt flags set: {', '.join(flags)}"
    for uid, node in batched_models(manifest).items():
        config = node["config"]
        if config.get("pre-hook") or config.get("post-hook") or config.get("persist_docs") \
                or config.get("full_refresh") or (config.get("contract") or {}).get("enforced") \
                or config.get("sql_header") or node.get("language", "sql") != "sql":
            return f"{uid}: a config the batch does not do"
        if not _compiles_from_key_alone(node, manifest):
            return f"{uid}: its SQL depends on what the kept SQL's key does not cover"
    return None


def _compiles_from_key_alone(node: Mapping[str, Any], manifest: Mapping[str, Any]) -> bool:
    """A model's compiled SQL depends only on the key (project, --vars, warehouse), the columns and the marked
    reports: neither its code nor a macro it calls (but the mirrored ones) queries the database or reads the
    environment at compile time (the project's version, set from its files, aside)."""
    project = manifest["metadata"].get("project_name", "gongkai")
    mirrored = {f"macro.{project}.{name}" for name in MIRRORED_MACROS}
    texts, seen = [node["raw_code"]], set()
    stack = list(node["depends_on"]["macros"])
    while stack:
        uid = stack.pop()
        if uid in seen or uid in mirrored:
            continue
        seen.add(uid)
        if not uid.startswith(f"macro.{project}."):
            return False
        macro = manifest["macros"][uid]
        texts.append(macro["macro_sql"])
        stack.extend(macro["depends_on"]["macros"])
    code = "\n".join(texts).replace(f'env_var("{PROJECT_VERSION_ENV}", "")', "")
    return not COMPILE_TIME_READS.search(code)


def keep_compiled_models(project_dir: Path, key: str, dbt_result: Any, manifest: Mapping[str, Any],
                         warehouse: Path) -> bool:
    """After a dbt run: the compiled SQL of each table and per-report mart it built, kept under ``key`` with the
    ones kept before (dropped when the relations' columns are no longer those). Returns whether anything was kept."""
    batched = batched_models(manifest)
    built = {}
    for result in getattr(getattr(dbt_result, "result", None), "results", None) or []:
        node, status = result.node, str(getattr(result.status, "value", result.status))
        if node.unique_id in batched and status == "success" and node.compiled_code:
            built[node.unique_id] = node.compiled_code
    catalog = warehouse_catalog(warehouse, manifest) if built else None
    if catalog is None:
        return False
    kept = read_kept(project_dir, key, SUFFIX) or {}
    models = kept.get("models", {}) if kept.get("columns") == catalog.columns else {}
    write_kept(project_dir, key, SUFFIX, {"columns": catalog.columns, "models": {**models, **built}})
    return True


def kept_compiled_models(project_dir: Path, key: str, manifest: Mapping[str, Any],
                         catalog: Catalog | None) -> list[CompiledModel] | None:
    """Every table and per-report mart of the project as kept under ``key``, in dbt's order, when the batch can
    build them exactly as dbt would in this warehouse (``catalog``); else None (dbt builds them)."""
    if catalog is None or why_dbt_runs(manifest) is not None:
        return None
    kept = read_kept(project_dir, key, SUFFIX)
    if kept is None or kept.get("columns") != catalog.columns or not isinstance(kept.get("models"), dict):
        return None
    batched = batched_models(manifest)
    models = []
    for uid in topological_order(manifest["parent_map"], batched):
        if uid not in batched:
            continue
        node, sql = batched[uid], kept["models"].get(uid)
        identifier = node.get("alias") or node["name"]
        materialized = node["config"]["materialized"]
        if not isinstance(sql, str) or (node["schema"], identifier) not in catalog.tables \
                or (materialized == "report_mart" and not MARKED_PREDICATE.search(sql)):
            return None
        models.append(CompiledModel(uid, sql, materialized, f'"{node["schema"]}"."{identifier}"', identifier))
    return models


def batch_is_kept(project_dir: Path, warehouse: str) -> bool:
    """Cheaply, before a run (no warehouse opened): the tests' and models' SQL are kept for the dbt step's
    invocation on ``warehouse`` (no --vars), so that a +1 will most likely need no dbt."""
    from gongkai.pipeline.dbt_test_batch import SUFFIX as TESTS_SUFFIX

    key = manifest_key(project_dir, warehouse)
    return all(kept_path(project_dir, key, suffix).exists() for suffix in (TESTS_SUFFIX, SUFFIX))


def fill_reports(sql: str, reports: Sequence[str]) -> str:
    """``sql`` with each marked predicate selecting ``reports``, as report_in() renders it."""
    def predicate(match: re.Match) -> str:
        if not reports:
            return "false"
        listed = ", ".join("'" + report.replace("'", "''") + "'" for report in reports)
        return f"{match['column']} in ({listed})"

    filled, count = MARKED_PREDICATE.subn(predicate, sql)
    if count == 0 or any(part in filled for part in MARKER_PARTS):
        raise UnfilledMarker("a per-report mart's SQL without its marked predicate, or with a marker left")
    return filled


class ModelBatch:
    """The kept models of one run, each built after the models it reads (:meth:`results`)."""

    def __init__(self, models: Sequence[CompiledModel], manifest: Mapping[str, Any]) -> None:
        self.models = list(models)
        self._parents = manifest["parent_map"]
        node = manifest["nodes"].get(f"model.{manifest['metadata'].get('project_name', 'gongkai')}."
                                     f"{FINGERPRINTS_MODEL}", {})
        self._fingerprints = f'"{node.get("schema", "intermediate")}"."{node.get("alias") or FINGERPRINTS_MODEL}"'
        self.errors: list[str] = []  # what failed, as dbt's error lines tell it
        self.succeeded = True
        self._changed: dict[str, list[str]] | None = None  # mart → the reports it builds (_changed_reports)
        self._changed_lock = threading.Lock()

    def results(self, con) -> list[dict[str, Any]]:
        """On the warehouse ``con`` is connected to (read-write): the on-run-start hook, then each model (none whose
        ancestor failed: dbt skips it), each told as dbt's LogModelResult event (as a dict), in dbt's order."""
        invocation_id = str(uuid.uuid4())
        con.execute(f"create schema if not exists build_state; create table if not exists {STATE_TABLE} "
                    "(model varchar not null, report_id varchar not null, fingerprint varchar not null)")
        built = self._built(con, invocation_id)
        events = [built[model.unique_id] for model in self.models if model.unique_id in built]
        for event in events:
            if event["data"]["status"] == "error":
                self.succeeded = False
                self.errors.append(f"ERROR {event['data']['node_info']['unique_id']}: {event['info']['msg']}")
        return events

    def _built(self, con, invocation_id: str) -> dict[str, dict[str, Any]]:
        """Each model's event by unique_id: a model is built once every model it reads (through views too) is
        built, :data:`BUILDING_THREADS` at once, each on a cursor of its own (each model its own statement or
        transaction, as in dbt); a model one of whose ancestors failed is not built."""
        batched = {model.unique_id for model in self.models}
        needs = {model.unique_id: reachable(model.unique_id, self._parents) & batched for model in self.models}
        built: dict[str, dict[str, Any]] = {}
        failed: set[str] = set()
        pending = list(self.models)
        running: dict[Future, CompiledModel] = {}
        with thread_cursors(con) as cursor, \
                ThreadPoolExecutor(max_workers=BUILDING_THREADS, thread_name_prefix="dbt-model") as pool:

            def build(model: CompiledModel) -> dict[str, Any]:
                return self._run(cursor(), model, invocation_id)

            while pending:
                for model in list(pending):
                    if needs[model.unique_id] & failed:
                        pending.remove(model)  # skipped, as dbt skips a model whose ancestor failed
                        failed.add(model.unique_id)
                    elif needs[model.unique_id] <= built.keys():
                        pending.remove(model)
                        running[pool.submit(build, model)] = model
                if not running:
                    break
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    model = running.pop(future)
                    built[model.unique_id] = future.result()
                    if built[model.unique_id]["data"]["status"] == "error":
                        failed.add(model.unique_id)
            for future in as_completed(running):
                model = running.pop(future)
                built[model.unique_id] = future.result()
        return built

    def _run(self, con, model: CompiledModel, invocation_id: str) -> dict[str, Any]:
        import duckdb

        started = datetime.now(timezone.utc)
        clock = time.perf_counter()
        try:
            if model.materialized == "report_mart":
                self._report_mart(con, model)
            else:  # whole_table.sql's `table` over a table: one statement, committed by DuckDB
                con.execute(f"create or replace table {model.relation} as (\n{model.sql}\n)")
            status, message = "success", ""
        except (duckdb.Error, UnfilledMarker) as error:
            status, message = "error", str(error)
        elapsed = time.perf_counter() - clock
        node_info = {"unique_id": model.unique_id, "node_status": status, "resource_type": "model",
                     "materialized": model.materialized, "node_started_at": started.isoformat(),
                     "node_finished_at": datetime.now(timezone.utc).isoformat()}
        return {"info": {"name": "LogModelResult", "invocation_id": invocation_id, "msg": message},
                "data": {"node_info": node_info, "status": status, "execution_time": elapsed}}

    def _report_mart(self, con, model: CompiledModel) -> None:
        """report_marts.sql's `report_mart`, its incremental branch, in one transaction: the reports whose recorded
        fingerprint is not current lose their rows, the changed and new ones' rows go in by name, and the mart's
        fingerprints are recorded."""
        unchanged = (f"select s.report_id from {STATE_TABLE} as s inner join {self._fingerprints} as f "
                     f"on f.report_id = s.report_id and f.fingerprint = s.fingerprint "
                     f"where s.model = '{model.identifier}'")
        changed = self._changed_reports(con).get(model.identifier, [])
        sql = fill_reports(model.sql, changed)
        con.execute("begin")
        try:
            con.execute(f"delete from {model.relation} where report_id is null or report_id not in ({unchanged})")
            con.execute(f"insert into {model.relation} by name (\n{sql}\n)")
            con.execute(f"delete from {STATE_TABLE} where model = '{model.identifier}'")
            con.execute(f"insert into {STATE_TABLE} select '{model.identifier}', report_id, fingerprint "
                        f"from {self._fingerprints}")
        except BaseException:
            con.execute("rollback")
            raise
        con.execute("commit")

    def _changed_reports(self, con) -> dict[str, list[str]]:
        """changed_reports() of every per-report mart, in one query at the first of them (each mart's recorded
        fingerprints change only in its own transaction; the fingerprints table is built before every mart)."""
        with self._changed_lock:
            if self._changed is not None:
                return self._changed
            marts = [model.identifier for model in self.models if model.materialized == "report_mart"]
            rows = con.execute(
                f"select m.model, f.report_id from (select unnest(?::varchar[]) as model) as m "
                f"cross join {self._fingerprints} as f where f.report_id is not null and not exists ("
                f"select 1 from {STATE_TABLE} as s where s.model = m.model and s.report_id = f.report_id "
                "and s.fingerprint = f.fingerprint) order by m.model, f.report_id", [marts]).fetchall()
            self._changed = {}
            for mart, report in rows:
                self._changed.setdefault(mart, []).append(report)
            return self._changed
