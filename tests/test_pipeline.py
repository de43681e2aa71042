"""Dagster definitions, the dbt invocation, the raw-folder sensor, the schedule, publish, and the end-to-end run."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from gongkai.pipeline.dbt_project import RUN_FLAGS, dbt_invocation

# ---------------------------------------------------------------------------------------------------------------
# definitions


@pytest.fixture(scope="module")
def defs():
    from gongkai.pipeline.definitions import defs

    return defs


def test_definitions_load(defs):
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {"parsed_report", "raw_tables", "warehouse"} <= keys
    assert "marts/fct_expenditure_by_function" in keys and "marts/fct_three_public" in keys
    assert defs.resolve_job_def("gongkai_all") is not None
    assert defs.resolve_sensor_def("raw_folder_sensor") is not None
    assert defs.resolve_schedule_def("daily_full_refresh").cron_schedule == "30 3 * * *"
    checks = {k.to_user_string() for k in graph.asset_check_keys}
    assert "raw_tables:ingest_errors" in checks
    assert any(c.startswith("raw_tables:gx_raw_") for c in checks)
    assert "marts/fct_expenditure_by_function:gx_fct_expenditure_by_function" in checks


def test_one_lineage_graph(defs):
    """dbt sources map onto raw_tables: staging models depend on it, the publish asset on the marts."""
    graph = defs.resolve_asset_graph()
    stg = graph.get(dg.AssetKey(["staging", "stg_table_cells"]))
    assert dg.AssetKey("raw_tables") in stg.parent_keys
    assert dg.AssetKey("parsed_report") in graph.get(dg.AssetKey("raw_tables")).parent_keys
    assert dg.AssetKey(["marts", "fct_three_public"]) in graph.get(dg.AssetKey("warehouse")).parent_keys
    assert not any(k.to_user_string().startswith("raw/") for k in graph.get_all_asset_keys())


def test_writers_share_a_pool_of_one(defs):
    from gongkai.pipeline.resources import WAREHOUSE_POOL

    graph = defs.resolve_asset_graph()
    for key in ["raw_tables", "warehouse", ["marts", "fct_three_public"]]:
        node = graph.get(dg.AssetKey(key))
        assert node.pools == {WAREHOUSE_POOL}, key
    assert graph.get(dg.AssetKey("parsed_report")).pools in (set(), None, {None})
    config = (Path(__file__).parents[1] / "dagster.yaml").read_text()
    assert "default_limit: 1" in config


def test_blocking_checks(defs):
    graph = defs.resolve_asset_graph()
    gx = [graph.get_check_spec(k) for k in graph.asset_check_keys if k.name.startswith("gx_")]
    assert gx and all(spec.blocking for spec in gx if spec.name == "gx_fct_expenditure_by_function")
    assert not graph.get_check_spec(dg.AssetCheckKey(dg.AssetKey("raw_tables"), "ingest_errors")).blocking


# ---------------------------------------------------------------------------------------------------------------
# dbt invocation (pure)


def test_dbt_invocation_is_pure_and_explicit(tmp_path):
    wh = tmp_path / "build" / "run.duckdb"
    inv = dbt_invocation(wh)
    assert inv.args == ["build", *RUN_FLAGS] and inv.env == {"GONGKAI_DBT_PATH": str(wh)}
    inv = dbt_invocation(wh, full_refresh=True, vars={"b": 2, "a": "辽宁"}, select=["marts"])
    assert inv.args == ["build", *RUN_FLAGS, "--vars", '{"a":"辽宁","b":2}', "--full-refresh", "--select", "marts"]
    assert dbt_invocation(wh, full_refresh=True, vars={"b": 2, "a": "辽宁"}, select=["marts"]) == inv
    assert dbt_invocation(wh, command="test", full_refresh=True).args == ["test", *RUN_FLAGS]
    with pytest.raises(ValueError):
        dbt_invocation("relative/path.duckdb")


# ---------------------------------------------------------------------------------------------------------------
# sensor and schedule


def _evaluate(instance, raw: Path, cursor: str | None):
    from gongkai.pipeline.resources import WarehouseResource
    from gongkai.pipeline.sensors import raw_folder_sensor

    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"gongkai": WarehouseResource(raw=str(raw))}
    )
    return raw_folder_sensor(context)


def _apply(instance, result):
    for request in result.dynamic_partitions_requests or []:
        if isinstance(request, dg.AddDynamicPartitionsRequest):
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
        else:
            for key in request.partition_keys:
                instance.delete_dynamic_partition(request.partitions_def_name, key)


def test_sensor_new_unchanged_changed_removed(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("report a")
    with dg.instance_for_test() as instance:
        result = _evaluate(instance, raw, None)
        assert isinstance(result, dg.SensorResult)
        [add] = result.dynamic_partitions_requests
        assert list(add.partition_keys) == ["a.txt"]
        [request] = result.run_requests
        assert request.job_name == "gongkai_all"
        assert request.tags["dagster/asset_partition_range_start"] == "a.txt"
        assert json.loads(result.cursor) == {"a.txt": __import__("hashlib").sha256(b"report a").hexdigest()}
        _apply(instance, result)
        assert instance.get_dynamic_partitions("report_files") == ["a.txt"]

        # unchanged (even if touched): nothing
        (raw / "a.txt").touch()
        again = _evaluate(instance, raw, result.cursor)
        assert isinstance(again, dg.SkipReason)

        # changed content: a new run request (new run key), no new partition
        (raw / "a.txt").write_text("report a, corrected")
        changed = _evaluate(instance, raw, result.cursor)
        assert isinstance(changed, dg.SensorResult) and len(changed.run_requests) == 1
        assert changed.run_requests[0].run_key != request.run_key
        assert not changed.dynamic_partitions_requests

        # a second file: partition added (at the end), the run parses just that one
        (raw / "sub").mkdir()
        (raw / "sub" / "b.pdf").write_bytes(b"%PDF-1.4 b")
        more = _evaluate(instance, raw, changed.cursor)
        assert list(more.dynamic_partitions_requests[0].partition_keys) == ["sub/b.pdf"]
        tags = more.run_requests[0].tags
        assert (tags["dagster/asset_partition_range_start"], tags["dagster/asset_partition_range_end"]) == (
            "sub/b.pdf", "sub/b.pdf")
        _apply(instance, more)

        # the first file changed again: the range runs from it to the last partition
        (raw / "a.txt").write_text("report a, corrected twice")
        first = _evaluate(instance, raw, more.cursor)
        tags = first.run_requests[0].tags
        assert (tags["dagster/asset_partition_range_start"], tags["dagster/asset_partition_range_end"]) == (
            "a.txt", "sub/b.pdf")

        # removed file: its partition is deleted; the run reloads and rebuilds without parsing
        (raw / "a.txt").unlink()
        gone = _evaluate(instance, raw, first.cursor)
        assert isinstance(gone.dynamic_partitions_requests[0], dg.DeleteDynamicPartitionsRequest)
        [reload] = gone.run_requests
        assert "dagster/asset_partition_range_start" not in reload.tags
        assert dg.AssetKey("raw_tables") in reload.asset_selection
        assert dg.AssetKey("parsed_report") not in reload.asset_selection
        _apply(instance, gone)
        assert instance.get_dynamic_partitions("report_files") == ["sub/b.pdf"]


def test_parse_range_runs_from_first_stale_key_to_the_end():
    from gongkai.pipeline.sensors import parse_range

    keys = ["a", "b", "c", "d"]
    assert parse_range(keys, set()) == []
    assert parse_range(keys, {"d"}) == ["d"]
    assert parse_range(keys, {"c", "b"}) == ["b", "c", "d"]
    assert parse_range(keys, {"x"}) == []


def test_schedule_requests_full_refresh_over_all_partitions():
    from gongkai.pipeline.schedules import daily_full_refresh

    with dg.instance_for_test() as instance:
        skip = daily_full_refresh(dg.build_schedule_context(instance=instance))
        assert isinstance(skip, dg.SkipReason)
        instance.add_dynamic_partitions("report_files", ["a.txt", "b.pdf"])
        request = daily_full_refresh(dg.build_schedule_context(instance=instance))
        assert request.tags["gongkai/full_refresh"] == "true"
        assert request.tags["dagster/asset_partition_range_end"] == "b.pdf"


# ---------------------------------------------------------------------------------------------------------------
# publish: readers never see a half-written warehouse


def test_build_then_atomic_publish(tmp_path):
    from gongkai.pipeline.resources import WarehouseResource

    live = tmp_path / "wh" / "gongkai.duckdb"
    live.parent.mkdir()
    con = duckdb.connect(str(live))
    con.execute("CREATE TABLE t AS SELECT 1 AS v")
    con.close()
    res = WarehouseResource(warehouse=str(live))
    build = res.start_build("run1")
    assert build != live and build.exists()
    # a writer holds the build copy (another process) while a reader reads the live file: no lock, old data
    writer = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); c.execute('UPDATE t SET v = 2');"
         "print('ready', flush=True); time.sleep(30)", str(build)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "ready"
        reader = duckdb.connect(str(live), read_only=True)
        assert reader.execute("SELECT v FROM t").fetchone() == (1,)
        reader.close()
    finally:
        writer.kill()
        writer.wait()
    con = duckdb.connect(str(build))
    con.execute("UPDATE t SET v = 2")
    con.close()
    old_reader = duckdb.connect(str(live), read_only=True)  # opened before publish: keeps the old file
    assert res.publish("run1") == live
    assert not build.exists()
    assert old_reader.execute("SELECT v FROM t").fetchone() == (1,)
    old_reader.close()
    new_reader = duckdb.connect(str(live), read_only=True)
    assert new_reader.execute("SELECT v FROM t").fetchone() == (2,)
    new_reader.close()


# ---------------------------------------------------------------------------------------------------------------
# end to end (one materialization per session, see conftest.e2e)


def _db(e2e):
    """The published warehouse, or — if a blocking check stopped the publish — this run's build copy."""
    live = e2e["warehouse"]
    builds = sorted((live.parent / "build").glob("*.duckdb"))
    return builds[-1] if not e2e["result"].success and builds else live


def _one(e2e, sql, params=None):
    con = duckdb.connect(str(_db(e2e)), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _mart_exists(e2e, name):
    return _one(e2e, "SELECT count(*) FROM information_schema.tables WHERE table_schema='marts' AND table_name=?",
                [name])[0][0] == 1


@pytest.mark.slow
def test_e2e_run_succeeds_and_publishes(e2e):
    summary = e2e["summary"]
    assert e2e["result"].success, f"run failed: steps {summary['failed_steps']}, checks {summary['failed_checks']}"
    assert summary["reports"].get("loaded") == 2, summary
    assert e2e["warehouse"].exists()
    assert not list((e2e["warehouse"].parent / "build").glob("*.duckdb"))  # published, nothing left behind


@pytest.mark.slow
def test_e2e_raw_tables(e2e):
    rows = _one(e2e, "SELECT path, status, is_current, department FROM raw.report_files ORDER BY path")
    assert [(p, s, c) for p, s, c, _ in rows] == [
        ("000_c669139aa1fe8f20.txt", "loaded", True), ("2024_shpt-czj_final.pdf", "loaded", True)]
    assert rows[0][3] == "辽宁省数据局"
    assert _one(e2e, "SELECT count(*) FROM raw.table_cells WHERE file IS NULL OR page IS NULL")[0][0] == 0


@pytest.mark.slow
def test_e2e_partitioned_gx_state_matches_a_full_validation(e2e):
    """Every partitioned suite, raw and mart: the state holds the real reports (marts: those the table has rows
    of, at their current row hash), and the recorded per-report failure counts add up to what a full validation of
    the table finds (the bundled reports pass every raw suite now that the classification reference knows their
    codes; a failing report's carried counts are tested in test_quality and the next test)."""
    from gongkai.quality import SUITES, row_versions, validate_table

    partitioned = sorted(n for n, s in SUITES.items() if s.partition_column)
    state = dict(_one(e2e, "SELECT suite, count(*) FROM quality.gx_partition_state GROUP BY 1"))
    con = duckdb.connect(str(_db(e2e)), read_only=True)
    try:
        for name in partitioned:
            table = SUITES[name].table
            if table.startswith("raw."):  # every loaded report, rows or none
                assert state.get(name) == 2, name
            else:  # marts: the reports the table has rows of, at the version of the rows it holds now
                assert dict(con.execute("SELECT report_id, version FROM quality.gx_partition_state WHERE suite = ?",
                                        [name]).fetchall()) == row_versions(con, name)
            carried = dict(con.execute("SELECT expectation_index, sum(unexpected_count) FROM "
                                       "quality.gx_partition_failures WHERE suite = ? GROUP BY 1", [name]).fetchall())
            full = validate_table(con, name)
            assert carried == {r.details["index"]: r.unexpected_count for r in full.results if not r.success}, name
    finally:
        con.close()
    assert {"raw_table_cells", "fct_expenditure_by_function", "reconciliation"} <= set(partitioned)


@pytest.mark.slow
def test_e2e_mart_suite_revalidates_only_the_report_whose_rows_changed(e2e, tmp_path):
    """On a copy of the real warehouse: one Liaoning expenditure row made negative changes that report's row hash
    only, so only its rows are validated again; the Putuo report's outcome is carried."""
    import shutil

    from gongkai.quality import row_versions, validate_changed_reports

    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(_db(e2e), copy)
    con = duckdb.connect(str(copy))
    try:
        before = row_versions(con, "fct_expenditure_by_function")
        con.execute(f"UPDATE marts.fct_expenditure_by_function SET total = -1 WHERE report_id = {LIAONING_ID} "
                    "AND scope = 'all_funds' AND function_code = '2101101'")
        after = row_versions(con, "fct_expenditure_by_function")
        liaoning = con.execute(LIAONING_ID).fetchone()[0]
        assert [r for r in after if after[r] != before[r]] == [liaoning] and len(after) == 2
        rows = con.execute("SELECT count(*) FROM marts.fct_expenditure_by_function WHERE report_id = ?",
                           [liaoning]).fetchone()[0]
        result = validate_changed_reports(con, "fct_expenditure_by_function", after)
    finally:
        con.close()
    negative = next(r for r in result.results if r.expectation == "expect_column_values_to_be_between"
                    and r.column == "total")
    assert negative.details["validated_reports"] == 1 and not negative.success and negative.unexpected_count == 1
    assert result.rows == rows


LIAONING_ID = "(SELECT report_id FROM raw.report_files WHERE path = '000_c669139aa1fe8f20.txt' AND is_current)"


@pytest.mark.slow
def test_e2e_expenditure_by_function(e2e):
    if not _mart_exists(e2e, "fct_expenditure_by_function"):
        pytest.skip("mart fct_expenditure_by_function not built yet")
    row = _one(e2e, f"SELECT total, basic, project FROM marts.fct_expenditure_by_function "
                    f"WHERE report_id = {LIAONING_ID} AND scope = 'all_funds' AND function_code = '2101101'")
    assert row and tuple(round(v, 2) for v in row[0]) == (84.11, 76.53, 7.58)


@pytest.mark.slow
def test_e2e_three_public(e2e):
    if not _mart_exists(e2e, "fct_three_public"):
        pytest.skip("mart fct_three_public not built yet")
    row = _one(e2e, f"SELECT budget, actual FROM marts.fct_three_public "
                    f"WHERE report_id = {LIAONING_ID} AND item = 'vehicle_operation'")
    assert row and (round(row[0][0], 2), round(row[0][1], 2)) == (12.00, 11.96)


@pytest.mark.slow
def test_e2e_review_findings(e2e):
    """The disclosure review of both bundled reports reaches the mart: the Liaoning final's 89% for 47.61 of 68 万元
    and the Putuo final's 财政拨款收入支出总计 0.3 万元, each with its page and line."""
    rows = _one(e2e, "SELECT department, rule, severity, page, line, rule_title FROM marts.fct_review_finding "
                     "ORDER BY department, finding_index")
    assert rows == [
        ("上海市普陀区财政局", "narrative_vs_table", "warning", 21, 14, "说明中的金额与表格不符"),
        ("辽宁省数据局", "stated_percentage", "warning", 11, 508, "所列百分比无法由所列金额算出"),
    ]


@pytest.mark.slow
def test_e2e_procurement(e2e):
    if not _mart_exists(e2e, "fct_procurement"):
        pytest.skip("mart fct_procurement not built yet")
    row = _one(e2e, f"SELECT sme_share_pct FROM marts.fct_procurement WHERE report_id = {LIAONING_ID}")
    assert row and round(row[0][0], 2) == 17.50


@pytest.mark.slow
def test_e2e_cli_query_and_export(e2e, tmp_path, capsys):
    from gongkai.cli import main

    if not e2e["result"].success:
        pytest.skip("the run did not publish (see test_e2e_run_succeeds_and_publishes)")
    code = main(["query", "SELECT path, status FROM raw.report_files ORDER BY path", "--warehouse",
                 str(e2e["warehouse"])])
    out = capsys.readouterr().out
    assert code == 0 and "000_c669139aa1fe8f20.txt" in out and "(2 rows)" in out
    for fmt in ("csv", "parquet", "xlsx"):
        target = tmp_path / f"three_public.{fmt}"
        assert main(["export", "fct_three_public", "--format", fmt, "--out", str(target),
                     "--warehouse", str(e2e["warehouse"])]) == 0
        assert target.stat().st_size > 0


def test_prune_invocation_targets_keeps_the_newest(tmp_path):
    import os

    from gongkai.pipeline.dbt_project import prune_invocation_targets

    for i in range(5):
        folder = tmp_path / f"gongkai_dbt-run{i}-abc"
        folder.mkdir()
        os.utime(folder, (1_000_000 + i, 1_000_000 + i))
    (tmp_path / "manifest.json").write_text("{}")
    removed = prune_invocation_targets(tmp_path, keep=2)
    assert sorted(p.name for p in removed) == ["gongkai_dbt-run0-abc", "gongkai_dbt-run1-abc", "gongkai_dbt-run2-abc"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gongkai_dbt-run3-abc", "gongkai_dbt-run4-abc", "manifest.json"]


@pytest.mark.slow
def test_e2e_dbt_in_process_leaves_no_database_open(e2e):
    """dbt ran in this very process (dbtRunner): afterwards nothing here holds a DuckDB file of the warehouse open —
    dbt-duckdb's class-level database is closed, so the publish and later readers never meet a second instance."""
    import os

    folder = str(e2e["warehouse"].parent)
    held = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(folder) and ".duckdb" in target:
            held.append(target)
    assert held == []


def test_dbt_project_fingerprint_follows_the_files(tmp_path):
    """The parsed manifest is reused while the fingerprint holds: any change to a model, macro, seed or YAML (or to
    --vars) changes it; nothing else does."""
    import shutil

    from gongkai.pipeline.dbt_project import project_fingerprint
    from gongkai.warehouse.paths import DBT_PROJECT_DIR

    project = tmp_path / "dbt"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    first = project_fingerprint(project)
    assert project_fingerprint(project) == first
    (project / "target").mkdir()
    (project / "target" / "run_results.json").write_text("{}")  # build output is not project input
    assert project_fingerprint(project) == first
    assert project_fingerprint(project, "--vars", '{"a":1}') != first
    model = project / "models" / "marts" / "fct_report_summary.sql"
    model.write_text(model.read_text() + "\n-- changed\n")
    assert project_fingerprint(project) != first


@pytest.mark.slow
def test_in_process_dbt_builds_a_second_warehouse_of_another_name(e2e, tmp_path, monkeypatch):
    """One process, two warehouses: the second (another file name, so another DuckDB catalog name in dbt's manifest)
    is built correctly after the first — the parsed manifest kept in the process is per warehouse."""
    import dagster as dg

    from gongkai.pipeline.run import run_pipeline

    warehouse = tmp_path / "other" / "second.duckdb"
    monkeypatch.setenv("GONGKAI_RAW", str(e2e["raw"]))
    monkeypatch.setenv("GONGKAI_WAREHOUSE", str(warehouse))
    result, summary = run_pipeline(instance=dg.DagsterInstance.ephemeral(), log_level="WARNING")
    assert result.success, summary["failed_steps"]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        row = con.execute(f"SELECT total FROM marts.fct_expenditure_by_function WHERE report_id = {LIAONING_ID} "
                          "AND scope = 'all_funds' AND function_code = '2101101'").fetchone()
    finally:
        con.close()
    assert row and round(row[0], 2) == 84.11
