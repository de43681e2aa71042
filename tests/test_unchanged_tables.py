"""A whole-table suite is validated again only when its table (or the suite) changed (quality.unchanged_tables)."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from gongkai.quality.context import EXPECTATIONS_DIR, get_context
from gongkai.quality.unchanged_tables import TABLE_STATE, validate_unless_unchanged

# 一般公共服务支出 (201) and two of its 款; 2019 is malformed (a 4-digit code): the suite's regex fails on it
ROWS = [("201", "一般公共服务支出", 1), ("20101", "人大事务", 2), ("20103", "政府办公厅（室）及相关机构事务", 2)]


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    root = tmp_path_factory.mktemp("gx") / "expectations"
    shutil.copytree(EXPECTATIONS_DIR, root, ignore=shutil.ignore_patterns("uncommitted"))
    return get_context(root, docs_dir=root.parent / "gx_docs")


def test_unchanged_table_carries_its_outcome_and_a_change_validates_again(context, tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.dim_function_class (code VARCHAR, name VARCHAR, level INTEGER)")
    con.execute("CREATE TABLE marts.dim_economic_class AS SELECT * FROM marts.dim_function_class")  # codes looked up
    con.executemany("INSERT INTO marts.dim_function_class VALUES (?, ?, ?)", ROWS + [("2019", "错码", 2)])

    def run(run_id: str, full: bool = False):
        result = validate_unless_unchanged(con, "dim_function_class", context, run_id=run_id, full=full)
        return result, {r.column: r.success for r in result.results if r.expectation.endswith("match_regex")}

    first, regex = run("r1")
    assert first.rows == 4 and regex == {"code": False} and not first.success_errors
    again, regex = run("r2")  # nothing changed: the recorded outcome, no row read
    assert again.rows == 0 and again.run_id == "r2" and regex == {"code": False}
    assert [(r.expectation, r.success, r.unexpected_count) for r in again.results] == \
        [(r.expectation, r.success, r.unexpected_count) for r in first.results]
    assert all(r.details["unchanged_since"] == first.validated_at.isoformat() for r in again.results)
    assert run("r3", full=True)[0].rows == 4  # a full refresh validates again

    con.execute("UPDATE marts.dim_function_class SET code = '20199' WHERE code = '2019'")
    fixed, regex = run("r4")
    assert fixed.rows == 4 and regex == {"code": True} and fixed.success_errors
    assert con.execute(f"SELECT count(*) FROM {TABLE_STATE}").fetchone()[0] == 1


def test_a_row_seen_again_is_no_change(context, tmp_path):
    """raw.report_files' last_seen moves on every run that sees a file again; no suite checks it."""
    from gongkai.quality.unchanged_tables import table_version

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("CREATE SCHEMA raw")
    con.execute("CREATE TABLE raw.report_files (report_id VARCHAR, path VARCHAR, last_seen TIMESTAMP)")
    con.execute("INSERT INTO raw.report_files VALUES ('r1', 'a.pdf', TIMESTAMP '2026-12-01 10:00:00')")
    before = table_version(con, "raw_report_files")
    con.execute("UPDATE raw.report_files SET last_seen = TIMESTAMP '2026-12-01 11:00:00'")
    assert table_version(con, "raw_report_files") == before
    con.execute("UPDATE raw.report_files SET path = 'b.pdf'")
    assert table_version(con, "raw_report_files") != before
