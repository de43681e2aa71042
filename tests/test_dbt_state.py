"""A run whose dbt inputs did not change skips dbt (gongkai.pipeline.dbt_state): the raw tables' hash, the recorded
test outcomes, and the whole pipeline run again on an unchanged folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from gongkai.pipeline.dbt_state import (
    SEEN_COLUMNS,
    dbt_inputs,
    record_build,
    recorded_checks,
    recorded_inputs,
    sources_version,
)
from tests.conftest import environment


def _raw_warehouse(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA raw")
    con.execute("CREATE TABLE raw.report_files (report_id VARCHAR, pages INTEGER, last_seen TIMESTAMP)")
    con.execute("CREATE TABLE raw.table_cells (report_id VARCHAR, value DOUBLE)")
    con.execute("INSERT INTO raw.report_files VALUES ('a', 3, '2026-01-01'), ('b', 5, '2026-01-01')")
    con.execute("INSERT INTO raw.table_cells VALUES ('a', 1.5), ('b', NULL)")
    con.close()
    return path


def _version(path: Path, sql: str | None = None) -> str:
    con = duckdb.connect(str(path))
    try:
        if sql:
            con.execute(sql)
        return sources_version(con)
    finally:
        con.close()


def test_sources_version_follows_content_not_sight(tmp_path):
    warehouse = _raw_warehouse(tmp_path / "w.duckdb")
    first = _version(warehouse)
    assert _version(warehouse, "UPDATE raw.report_files SET last_seen = '2026-02-02'") == first
    assert _version(warehouse, "UPDATE raw.table_cells SET value = 1.6 WHERE report_id = 'a'") != first
    changed = _version(warehouse)
    assert _version(warehouse, "UPDATE raw.table_cells SET value = 2 WHERE report_id = 'b'") != changed  # NULL → 2
    assert _version(warehouse, "DELETE FROM raw.report_files WHERE report_id = 'b'") != changed


def _inputs(path: Path, version: str, args: list[str]) -> str:
    with duckdb.connect(str(path), read_only=True) as con:
        return dbt_inputs(con, version, args)


def test_dbt_inputs_follow_project_vars_and_catalog_not_full_refresh(tmp_path):
    warehouse = _raw_warehouse(tmp_path / "w.duckdb")
    first = _inputs(warehouse, "v1", ["build"])
    assert _inputs(warehouse, "v1", ["build", "--full-refresh"]) == first  # a full refresh builds the same rows
    assert _inputs(warehouse, "v2", ["build"]) != first
    assert _inputs(warehouse, "v1", ["build", "--vars", '{"a":1}']) != first
    other = tmp_path / "other.duckdb"
    other.write_bytes(warehouse.read_bytes())
    assert _inputs(other, "v1", ["build"]) != first  # another catalog name, which the views spell out


def test_recorded_checks_keep_the_outcome_not_the_invocation(tmp_path):
    con = duckdb.connect(str(_raw_warehouse(tmp_path / "w.duckdb")))
    assert recorded_inputs(con) is None and recorded_checks(con) == {}
    key = dg.AssetKey(["marts", "fct_x"])
    checks = [
        dg.AssetCheckResult(asset_key=key, check_name="checks_fct_x", passed=True,
                            metadata={"unique_id": "test.gongkai.checks_fct_x", "invocation_id": "abc",
                                      "Execution Duration": 0.25}),
        dg.AssetCheckResult(asset_key=key, check_name="warnings_fct_x", passed=False,
                            severity=dg.AssetCheckSeverity.WARN,
                            metadata={"failing_rows": 2, "failed": dg.MetadataValue.md("| report |\n|---|\n| a |")}),
    ]
    record_build(con, "inputs-1", checks)
    assert recorded_inputs(con) == "inputs-1"
    recorded = {c.check_name: c for c in recorded_checks(con)[key]}
    assert set(recorded) == {"checks_fct_x", "warnings_fct_x"}
    passed, warned = recorded["checks_fct_x"], recorded["warnings_fct_x"]
    assert passed.passed and passed.severity == dg.AssetCheckSeverity.ERROR
    assert "invocation_id" not in passed.metadata and "Execution Duration" not in passed.metadata
    assert passed.metadata["unique_id"].value == "test.gongkai.checks_fct_x"
    assert not warned.passed and warned.severity == dg.AssetCheckSeverity.WARN
    assert warned.metadata["failing_rows"].value == 2
    assert warned.metadata["failed"].value.startswith("| report |")
    assert "unchanged_since" in warned.metadata
    record_build(con, "inputs-2", checks[:1])
    assert recorded_inputs(con) == "inputs-2" and len(recorded_checks(con)[key]) == 1
    con.close()


def _dbt_checks(result, dbt_keys) -> set[tuple[str, str, bool]]:
    return {(e.asset_key.to_user_string(), e.check_name, e.passed) for e in result.get_asset_check_evaluations()
            if e.asset_key in dbt_keys}


@pytest.mark.slow
def test_no_table_built_from_the_raw_tables_carries_the_times_of_sight(e2e):
    """The inputs' hash leaves first_seen / last_seen out, so a run that skips dbt would leave a table holding them
    stale: only views (read live) may carry them — e.g. int_reports_current, and not the table int_reports_preferred
    built from it."""
    con = duckdb.connect(str(e2e["warehouse"]), read_only=True)
    try:
        carriers = con.execute(
            "SELECT c.table_schema, c.table_name, t.table_type FROM information_schema.columns AS c "
            "INNER JOIN information_schema.tables AS t USING (table_catalog, table_schema, table_name) "
            f"WHERE c.column_name IN ({', '.join(repr(c) for c in sorted(SEEN_COLUMNS))}) "
            "AND c.table_schema <> 'raw'").fetchall()
    finally:
        con.close()
    assert ("intermediate", "int_reports_current", "VIEW") in carriers
    assert [c for c in carriers if c[2] != "VIEW"] == []


@pytest.mark.slow
def test_unchanged_folder_skips_dbt_and_keeps_every_outcome(e2e, tmp_path):
    """The session's warehouse run again on the same folder: dbt does not run (the summary says why), every dbt
    asset is reported, every dbt test gets the outcome it had, and the warehouse holds the same rows."""
    from gongkai.pipeline.assets import DBT_KEYS
    from gongkai.pipeline.run import run_pipeline
    from gongkai.pipeline.summary import format_summary
    from tests.test_reliability import fingerprint

    shutil.copytree(e2e["warehouse"].parent, tmp_path / "warehouse", ignore=shutil.ignore_patterns("build"))
    warehouse = tmp_path / "warehouse" / e2e["warehouse"].name
    before = fingerprint(warehouse)
    with environment(GONGKAI_RAW=str(e2e["raw"]), GONGKAI_WAREHOUSE=str(warehouse)):
        result, summary = run_pipeline(instance=dg.DagsterInstance.ephemeral())
    assert result.success
    assert e2e["summary"]["dbt_skipped"] is None
    assert summary["dbt_skipped"] and summary["dbt_skipped"].startswith("dbt skipped")
    assert summary["dbt_skipped"] in format_summary(summary)
    dbt_keys = set(DBT_KEYS)
    materialized = {e.asset_key for e in result.get_asset_materialization_events() if e.asset_key in dbt_keys}
    assert materialized == dbt_keys
    assert _dbt_checks(result, dbt_keys) == _dbt_checks(e2e["result"], dbt_keys)
    assert len(_dbt_checks(result, dbt_keys)) > 90
    after = fingerprint(warehouse)
    assert {t: v for t, v in after.items() if not t.startswith("quality.gx")} == \
        {t: v for t, v in before.items() if not t.startswith("quality.gx")}
