"""The project's data tests run by gongkai as one batch on a run that keeps views and seeds (一批数据检查): the SQL
dbt compiled for each test, judged as dbt judges it, each result told as the result event dbt would have sent.

Why: dbt's own Python costs ≈ 30–48 ms a node whatever its SQL (each node's Jinja context, ≈ 24 events); a +1 runs
106 test nodes, ≈ 4 s of CPU, of which their SQL is ≈ 1 s. The YAML tests stay the source of truth: dbt runs every
test in a complete build (first run, --full-refresh, project changed, --vars changed) and in any ``dbt build`` a
user runs; the SQL it compiled then is kept beside the kept Manifest (:func:`keep_compiled_tests`, under the same
key: project files, --vars, warehouse path, dbt and Python versions) with a hash of the columns of every relation the
project names (a test's SQL may depend on them: tests/generic/checks.sql asks an undocumented model's columns). A
later run with the same key and columns has dbt build the models only and runs the kept SQL here
(:class:`TestBatch`).

Judged as dbt does (dbt's ``default__get_test_sql``, its test materialization and ``TestRunner``): the compiled SQL
with the test's ``limit``, ``fail_calc`` as failures, ``fail_calc warn_if`` and ``fail_calc error_if``; ``fail`` when
the severity is error and error_if holds, else ``warn`` when warn_if holds, else ``pass``. As in ``dbt build``, a test
that failed (severity error) or could not run keeps the models that depend on everything it tests from being
reported built (their rows were written, but the step fails and the build copy is not published), and a test over a
node that was not built is skipped.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from gongkai.pipeline.dbt_graph import reachable, topological_order
from gongkai.pipeline.dbt_kept_sql import Catalog, read_kept, warehouse_catalog, write_kept
from gongkai.pipeline.duckdb_cursors import thread_cursors

SUFFIX = ".tests.json"
#: dbt flags under which a warning is a failure: the batch does not judge that way, dbt runs the tests then.
WARN_ERROR_ENV = ("DBT_WARN_ERROR", "DBT_WARN_ERROR_OPTIONS")
#: Tests judged at once (DuckDB plans and runs a query without Python's lock; most of a test is its planning, on one
#: core): a +1's ≈ 107 tests take about half the time on two cores.
JUDGING_THREADS = max(1, min(os.cpu_count() or 1, 4))
#: Statuses of a node that keep what depends on it from running in ``dbt build``.
STOPS_DEPENDENTS = frozenset({"error", "fail", "skipped"})


@dataclass(frozen=True)
class CompiledTest:
    """One data test as dbt compiled it and judges it (its config)."""

    unique_id: str
    sql: str
    depends_on: tuple[str, ...]
    severity: str = "error"
    fail_calc: str = "count(*)"
    warn_if: str = "!= 0"
    error_if: str = "!= 0"
    limit: int | None = None

    def judging_sql(self) -> str:
        """The query dbt's test materialization runs (``get_limit_sql`` then ``get_test_sql``)."""
        main = self.sql if self.limit is None else f"{self.sql}\n  limit {self.limit}"
        return (f"select {self.fail_calc} as failures, {self.fail_calc} {self.warn_if} as should_warn, "
                f"{self.fail_calc} {self.error_if} as should_error from (\n{main}\n) dbt_internal_test")

    def judge(self, con) -> tuple[str, int]:
        """dbt's status of the test on ``con`` and the failures it reports (0 when it passes); a query that fails
        raises (dbt's ``error``)."""
        failures, should_warn, should_error = con.execute(self.judging_sql()).fetchone()
        if self.severity.upper() == "ERROR" and should_error:
            return "fail", int(failures)
        if should_warn:
            return "warn", int(failures)
        return "pass", 0


def keep_compiled_tests(project_dir: Path, key: str, dbt_result: Any, manifest: Mapping[str, Any],
                        warehouse: Path) -> bool:
    """After a dbt run that ran every data test of the project, each as dbt runs it in a batch (no stored
    failures, no SQL header): their compiled SQL and config, kept under ``key``. Returns whether it was kept."""
    tests = {}
    for result in getattr(getattr(dbt_result, "result", None), "results", None) or []:
        node = result.node
        if getattr(node, "resource_type", None) != "test" or not node.compiled_code:
            continue
        config = node.config
        if config.store_failures or getattr(config, "store_failures_as", None) in ("table", "view") \
                or getattr(config, "sql_header", None):
            return False
        tests[node.unique_id] = {"sql": node.compiled_code, "depends_on": list(node.depends_on.nodes),
                                 "severity": str(config.severity), "fail_calc": config.fail_calc,
                                 "warn_if": config.warn_if, "error_if": config.error_if, "limit": config.limit}
    if set(tests) != _test_ids(manifest):
        return False
    catalog = warehouse_catalog(warehouse, manifest)
    if catalog is None:
        return False
    write_kept(project_dir, key, SUFFIX, {"columns": catalog.columns, "tests": tests})
    return True


def kept_compiled_tests(project_dir: Path, key: str, manifest: Mapping[str, Any], warehouse: Path,
                        catalog: Catalog | None = None) -> list[CompiledTest] | None:
    """The project's data tests as kept under ``key``, if every one of them is and the relations' columns (``catalog``:
    read from ``warehouse`` when not given) are those they were compiled against; else None (dbt runs the tests)."""
    if any(os.environ.get(name) for name in WARN_ERROR_ENV):
        return None
    kept = read_kept(project_dir, key, SUFFIX)
    try:
        tests = [CompiledTest(unique_id=uid, sql=t["sql"], depends_on=tuple(t["depends_on"]),
                              severity=t["severity"], fail_calc=t["fail_calc"], warn_if=t["warn_if"],
                              error_if=t["error_if"], limit=t["limit"]) for uid, t in kept["tests"].items()]
        columns = kept["columns"]
    except (KeyError, TypeError, AttributeError):
        return None
    if {test.unique_id for test in tests} != _test_ids(manifest):
        return None
    catalog = catalog or warehouse_catalog(warehouse, manifest)
    return tests if catalog is not None and catalog.columns == columns else None


class TestBatch:
    """The kept data tests of one run, run after dbt has built the models (:meth:`results`)."""

    __test__ = False  # not a pytest class

    def __init__(self, tests: Iterable[CompiledTest], manifest: Mapping[str, Any]) -> None:
        self._manifest = manifest
        self._order = {uid: index for index, uid in enumerate(topological_order(manifest["parent_map"]))}
        self.tests = sorted(tests, key=lambda t: (max((self._order.get(n, -1) for n in t.depends_on), default=-1),
                                                  t.unique_id))
        self.failing_sql: dict[str, str] = {}  # unique_id → compiled SQL of each test that did not pass
        self.errors: list[str] = []  # what failed the run, as dbt's error lines tell it
        self.succeeded = True

    def results(self, model_events: Sequence[Mapping[str, Any]], con) -> list[dict[str, Any]]:
        """dbt's result events of the models (as dicts) with the ones ``dbt build`` would not have sent taken out,
        followed by one result event (as dbt's ``LogTestResult``) of each test that ran on the warehouse ``con`` is
        connected to."""
        invocation_id = _invocation_id(model_events)

        statuses = {e["data"]["node_info"]["unique_id"]: _node_status(e) for e in model_events
                    if (e["data"].get("node_info") or {}).get("unique_id")}
        stopped = self._descendants({uid for uid, status in statuses.items() if status in STOPS_DEPENDENTS})
        tests = []
        judged = self._judged(con, [test for test in self.tests if not stopped.intersection(test.depends_on)],
                              invocation_id)
        for test in self.tests:
            if stopped.intersection(test.depends_on):
                continue  # skipped, as dbt skips a test over a node it did not build: no event
            event = judged[test.unique_id]
            tests.append(event)
            if event["data"]["status"] in ("fail", "error"):
                self.failing_sql[test.unique_id] = test.sql
                if event["data"]["status"] == "error" or test.severity.upper() == "ERROR":
                    self.succeeded = False
                    self.errors.append(f"{event['data']['status'].upper()} {event['data']['num_failures']} "
                                       f"{test.unique_id} {event['info']['msg']}".rstrip())
                    stopped |= self._descendants(self._waiting_on(test))
            elif event["data"]["status"] == "warn":
                self.failing_sql[test.unique_id] = test.sql
        models = [e for e in model_events if (e["data"].get("node_info") or {}).get("unique_id") not in stopped
                  or statuses.get(e["data"]["node_info"]["unique_id"]) in STOPS_DEPENDENTS]
        return [*models, *tests]

    def _judged(self, con, tests: Sequence[CompiledTest], invocation_id: str) -> dict[str, dict[str, Any]]:
        """Each test's result event by unique_id, the tests judged by :data:`JUDGING_THREADS` threads at once, each
        on a cursor of its own (read-only: the order they run in changes no result; a test that a failure before it
        would skip is judged and left out by :meth:`results`)."""
        with thread_cursors(con) as cursor, \
                ThreadPoolExecutor(max_workers=JUDGING_THREADS, thread_name_prefix="dbt-test") as pool:
            judged = pool.map(lambda test: self._run(cursor(), test, invocation_id), tests)
            return dict(zip([test.unique_id for test in tests], judged, strict=True))

    def _run(self, con, test: CompiledTest, invocation_id: str) -> dict[str, Any]:
        import duckdb

        started = datetime.now(timezone.utc)
        clock = time.perf_counter()
        try:
            status, failures = test.judge(con)
            message = None
        except duckdb.Error as error:
            status, failures, message = "error", 0, str(error)
        elapsed = time.perf_counter() - clock
        finished = datetime.now(timezone.utc)
        node_info = {"unique_id": test.unique_id, "node_status": status, "resource_type": "test",
                     "node_started_at": started.isoformat(), "node_finished_at": finished.isoformat()}
        return {"info": {"name": "LogTestResult", "invocation_id": invocation_id, "msg": message or ""},
                "data": {"node_info": node_info, "status": status, "num_failures": failures,
                         "execution_time": elapsed}}

    def _waiting_on(self, test: CompiledTest) -> set[str]:
        """The nodes dbt build runs after ``test`` (dbt's test edges): every model, seed or snapshot whose ancestors
        hold every node the test depends on."""
        needed = set(test.depends_on)
        return {uid for uid, node in self._manifest["nodes"].items()
                if node["resource_type"] in ("model", "seed", "snapshot") and needed <= self._ancestors(uid)}

    def _ancestors(self, uid: str) -> set[str]:
        return reachable(uid, self._manifest["parent_map"])

    def _descendants(self, uids: Iterable[str]) -> set[str]:
        found = set(uids)
        for uid in list(found):
            found |= reachable(uid, self._manifest["child_map"])
        return found


def _invocation_id(events: Sequence[Mapping[str, Any]]) -> str:
    """The dbt invocation's id (the models' events carry it; else dbt's last invocation's)."""
    for event in events:
        if event.get("info", {}).get("invocation_id"):
            return event["info"]["invocation_id"]
    from dbt_common.invocation import get_invocation_id

    return get_invocation_id()


def _node_status(event: Mapping[str, Any]) -> str:
    status = event["data"]["node_info"].get("node_status")
    return status if status not in ("", "None", None) else str(event["data"].get("status", "")).lower()


def _test_ids(manifest: Mapping[str, Any]) -> set[str]:
    return {uid for uid, node in manifest["nodes"].items() if node["resource_type"] == "test"}
