"""The project's data tests run as one batch by gongkai (pipeline.dbt_test_batch) judge exactly as dbt does.

The tiny hand-made warehouse of tests/test_dbt_models.py is built by dbt (in this process: the SQL it compiled for
every test is kept, as a pipeline run keeps it), then failures are planted in its marts — a NULL in a not-null
column, a duplicate key, a value that is not accepted, a relationship to nothing, a broken identity of a
warn-severity test — and every test of the project is run both ways: by ``dbt test`` and by the batch.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from gongkai.pipeline.dbt_model_batch import ModelBatch
from gongkai.pipeline.dbt_runner import _close_duckdb
from gongkai.pipeline.dbt_test_batch import TestBatch, keep_compiled_tests, kept_compiled_tests
from gongkai.pipeline.resources import temporary_env
from gongkai.quality.suites import SUITES
from tests.test_dbt_models import DBT_DIR, R1, R2, make_raw_fixture

KEY = "batch-test"
RAW_PARTITIONED = sorted(n for n, spec in SUITES.items() if spec.partition_column and spec.table.startswith("raw."))


def _dbt(warehouse: Path, tmp: Path, *args: str, manifest=None):
    from dbt.cli.main import dbtRunner

    with temporary_env(GONGKAI_DBT_PATH=str(warehouse), DBT_SEND_ANONYMOUS_USAGE_STATS="false"):
        try:
            return dbtRunner(manifest=manifest).invoke(
                [*args, "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
                 "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs")])
        finally:
            _close_duckdb()


def built_by_dbt(tmp: Path, folder: str):
    """The hand-made warehouse in ``tmp/folder``, built whole by dbt in this process: (the warehouse, dbt's Manifest,
    the same as JSON, dbt's result)."""
    warehouse = tmp / folder / "gongkai.duckdb"
    warehouse.parent.mkdir()
    make_raw_fixture(warehouse)
    parsed = _dbt(warehouse, tmp, "parse")
    assert parsed.success, parsed.exception
    manifest = parsed.result
    built = _dbt(warehouse, tmp, "build", manifest=manifest)
    assert built.success, built.exception
    return warehouse, manifest, manifest.writable_manifest().to_dict(omit_none=False), built


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """(the planted warehouse, the project's Manifest as JSON, dbt's Manifest, the kept tests, the store folder,
    each test's (status, failures) by ``dbt test``)."""
    tmp = tmp_path_factory.mktemp("batch")
    warehouse, manifest, manifest_json, built = built_by_dbt(tmp, "built")
    assert keep_compiled_tests(tmp, KEY, built, manifest_json, warehouse)
    # the same file name (DuckDB's catalog name, which the compiled SQL spells out), another folder
    copy = tmp / "planted" / "gongkai.duckdb"
    copy.parent.mkdir()
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("update marts.fct_report_summary set department_id = 'no such department', "
                    "basic_total = basic_total + 100 where report_id = ?", [R1])  # relationship; warn identity
        con.execute("update marts.fct_report_summary set kind = 'maybe' where report_id = ?", [R2])  # accepted
        con.execute("insert into marts.dim_department select * from marts.dim_department limit 1")  # duplicate
        con.execute("update marts.fct_expenditure_by_function set scope = null "
                    "where rowid = (select min(rowid) from marts.fct_expenditure_by_function)")  # not null
    tests = kept_compiled_tests(tmp, KEY, manifest_json, copy)
    assert tests is not None, "the planted values change no column: the kept tests hold"
    judged = _dbt(copy, tmp, "test", manifest=manifest)
    by_dbt = {r.node.unique_id: (str(getattr(r.status, "value", r.status)), r.failures)
              for r in judged.result.results if r.node.resource_type == "test"}
    return copy, manifest_json, manifest, tests, tmp, by_dbt


def test_every_test_is_judged_as_dbt_judges_it(planted):
    copy, manifest_json, _, tests, _, by_dbt = planted
    with duckdb.connect(str(copy), read_only=True) as con:
        by_batch = {test.unique_id: test.judge(con) for test in tests}
    assert len(by_batch) == len(by_dbt) > 100
    assert by_batch == by_dbt
    names = {uid.split(".")[2]: outcome for uid, outcome in by_dbt.items()}
    assert names["checks_fct_report_summary"] == ("fail", 2)  # the relationship and the accepted value
    assert names["warnings_fct_report_summary"] == ("warn", 1)
    assert names["checks_dim_department"][0] == "fail"
    assert names["checks_fct_expenditure_by_function"] == ("fail", 1)
    assert names["checks_fct_budget_vs_final"] == ("pass", 0)


def test_a_failed_test_stops_what_dbt_build_stops(planted):
    """dbt build's own graph (its test edges): what a failed test of severity error keeps from running — the models
    that need what it tests, and the tests over them — is what the batch leaves out."""
    import networkx as nx
    from dbt.compilation import Linker

    copy, manifest_json, manifest, tests, _, by_dbt = planted
    linker = Linker()
    linker.link_graph(manifest)
    manifest.build_parent_and_child_maps()
    linker.add_test_edges(manifest)
    failed = [uid for uid, (status, _) in by_dbt.items() if status == "fail"]
    stopped = set().union(*(nx.descendants(linker.graph, uid) for uid in failed))
    models = [uid for uid, node in manifest_json["nodes"].items() if node["resource_type"] == "model"]
    assert stopped & set(models) and stopped & set(by_dbt)  # the plants stop models and tests
    built = [{"info": {"invocation_id": "i"}, "data": {"node_info": {"unique_id": uid, "node_status": "success"}}}
             for uid in models]
    batch = TestBatch(tests, manifest_json)
    with duckdb.connect(str(copy), read_only=True) as con:
        events = batch.results(built, con)
    reported = {event["data"]["node_info"]["unique_id"] for event in events}
    assert reported == (set(models) | set(by_dbt)) - stopped
    ran = {e["data"]["node_info"]["unique_id"]: (e["data"]["status"], e["data"]["num_failures"]) for e in events
           if e["info"].get("name") == "LogTestResult"}
    assert ran == {uid: outcome for uid, outcome in by_dbt.items() if uid not in stopped}
    assert not batch.succeeded and set(batch.failing_sql) == {uid for uid, (s, _) in ran.items() if s != "pass"}


def test_kept_tests_are_not_used_when_a_relation_changed(planted):
    copy, manifest_json, _, _, store, _ = planted
    changed = store / "changed" / "gongkai.duckdb"
    changed.parent.mkdir()
    shutil.copy(copy, changed)
    with duckdb.connect(str(changed)) as con:
        con.execute("alter table marts.dim_department add column planted varchar")
    assert kept_compiled_tests(store, KEY, manifest_json, changed) is None
    assert kept_compiled_tests(store, "another key", manifest_json, copy) is None


@pytest.mark.slow
def test_a_run_with_the_kept_tests_records_the_checks_dbt_recorded(e2e, tmp_path, monkeypatch):
    """The same +1 — the seed report with its SME amount above its whole procurement, a warning with its failing
    row — run twice on the same warehouse path, a copy of the session's: the first run's dbt runs the tests (no SQL
    kept for this path yet) and keeps their SQL and the models', the second builds the models and runs the tests as
    batches, without dbt; every dbt check's recorded outcome (build_state.dbt_checks: key, name, passed, severity,
    failing rows) is the same, and so is every table of the two warehouses (timestamps aside), the report's own
    printed figures among them."""
    from gongkai.pipeline import dbt_runner
    from gongkai.pipeline.run import run_pipeline
    from tests.conftest import environment, query
    from tests.test_reliability import fingerprint
    from tests.test_trust import SME_REPORT, sme_above_procurement

    import dagster as dg

    batches = []

    class Recorded(TestBatch):
        def results(self, *args, **kwargs):
            events = super().results(*args, **kwargs)
            batches.append(events)
            return events

    class RecordedModels(ModelBatch):
        def results(self, *args, **kwargs):
            events = super().results(*args, **kwargs)
            model_batches.append(events)
            return events

    model_batches = []
    monkeypatch.setattr(dbt_runner, "TestBatch", Recorded)
    monkeypatch.setattr(dbt_runner, "ModelBatch", RecordedModels)
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse" / e2e["warehouse"].name
    recorded, tables, medical, raw_state = [], [], [], []
    for _ in range(2):
        shutil.rmtree(raw, ignore_errors=True)
        shutil.rmtree(warehouse.parent, ignore_errors=True)
        shutil.copytree(e2e["raw"], raw)
        shutil.copytree(e2e["warehouse"].parent, warehouse.parent, ignore=shutil.ignore_patterns("build"))
        (raw / SME_REPORT).parent.mkdir(parents=True, exist_ok=True)
        (raw / SME_REPORT).write_bytes(sme_above_procurement())
        with environment(GONGKAI_RAW=str(raw), GONGKAI_WAREHOUSE=str(warehouse)):
            result, _ = run_pipeline(instance=dg.DagsterInstance.ephemeral())
        assert result.success
        recorded.append(query(warehouse, "SELECT asset_key, check_name, passed, severity, metadata "
                                         "FROM build_state.dbt_checks ORDER BY ALL"))
        tables.append(fingerprint(warehouse))
        medical.append(query(warehouse, "SELECT scope, total, basic, project FROM marts.fct_expenditure_by_function "
                                        "WHERE department = '辽宁省数据局' AND function_code = '2101101' ORDER BY ALL"))
        # the raw suites' state saved by the +1 too: each suite has validated the three current reports
        raw_state.append(query(warehouse, "SELECT suite, count(DISTINCT report_id) FROM quality.gx_partition_state "
                                          f"WHERE suite IN ({', '.join(repr(n) for n in RAW_PARTITIONED)}) "
                                          "GROUP BY 1 ORDER BY 1"))
    assert len(batches) == 1 and sum(e["info"]["name"] == "LogTestResult" for e in batches[0]) == len(recorded[1])
    # the second run built its models without dbt too (their SQL kept by the first)
    assert len(model_batches) == 1 and {e["data"]["status"] for e in model_batches[0]} == {"success"}
    assert recorded[0] == recorded[1] and len(recorded[0]) > 100
    # built by dbt, then by the batch: the same rows in every table
    assert sorted(tables[0]) == sorted(tables[1]) and len(tables[0]) > 40
    assert [t for t in tables[0] if tables[0][t] != tables[1][t]] == []
    # 支出决算表 line 950 and 一般公共预算财政拨款支出决算表 line 1120 of the Liaoning text: "2101101 行政单位医疗 84.11 76.53 7.58"
    assert medical[0] == medical[1] == [("all_funds", 84.11, 76.53, 7.58), ("general_budget", 84.11, 76.53, 7.58)]
    assert raw_state[0] == raw_state[1] == [(name, 3) for name in RAW_PARTITIONED]
    warned = [row for row in recorded[1] if row[1] == "assert_sme_within_procurement"]
    assert warned and not warned[0][2] and warned[0][3] == "WARN" and "failing rows" in warned[0][4]
