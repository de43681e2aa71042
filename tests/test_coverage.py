"""The coverage grid (gongkai.pipeline.coverage) and the report_inconsistencies check's table, on a small warehouse
shaped as marts.dim_report_version and raw.report_files (departments and files of the corpus)."""

from __future__ import annotations

import duckdb
import pytest

from gongkai.pipeline.coverage import read_coverage
from gongkai.pipeline.report_metadata import failed_checks_markdown


@pytest.fixture()
def con():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts; CREATE SCHEMA raw")
    con.execute("CREATE TABLE marts.dim_report_version AS SELECT * FROM (VALUES "
                "('江苏省人民检察院', 2017, 'budget', true, '2017_js-jcy_budget.pdf'), "
                "('江苏省人民检察院', 2019, 'budget', true, '2019_js-jcy_budget.pdf'), "
                "('上海市普陀区财政局', 2024, 'final', true, '2024_shpt-czj_final.pdf'), "
                "('上海市普陀区财政局', 2024, 'final', false, 'old/2024_shpt-czj_final.pdf'), "
                "(NULL, NULL, 'final', true, 'cover-only.pdf')) t(department, year, kind, is_preferred, path)")
    con.execute("CREATE TABLE raw.report_files AS SELECT * FROM (VALUES "
                "('江苏省人民检察院', 2018, 'budget', 'failed', true, '2018_js-jcy_budget.pdf'), "
                "(NULL, NULL, NULL, 'failed', true, 'truncated.pdf'), "
                "('江苏省人民检察院', 2017, 'budget', 'loaded', true, '2017_js-jcy_budget.pdf')) "
                "t(department, fiscal_year, kind, status, is_current, path)")
    return con


def test_grid_of_loaded_superseded_failed_and_missing(con):
    coverage = read_coverage(con)
    assert coverage.counts() == {"loaded": 3, "superseded": 1, "failed": 1, "missing": 0,
                                 "without_department_or_year": 2}
    text = coverage.markdown()
    assert text.splitlines()[0] == "| department | 2017 | 2018 | 2019 | 2024 |"
    assert "| 上海市普陀区财政局 | – | – | – | 决算 loaded, 1 superseded |" in text
    assert "| 江苏省人民检察院 | 预算 loaded | 预算 1 failed | 预算 loaded | – |" in text
    assert "cover-only.pdf, truncated.pdf" in text


def test_a_year_without_a_report_is_missing(con):
    con.execute("DELETE FROM raw.report_files WHERE fiscal_year = 2018")
    coverage = read_coverage(con)
    assert coverage.counts()["missing"] == 1
    assert "| 江苏省人民检察院 | 预算 loaded | 预算 missing | 预算 loaded | – |" in coverage.markdown()


def test_report_inconsistencies_name_the_report():
    rows = [dict(report="辽宁省数据局 2024 决算", check_name="narrative.project_execution_rate_pct", detail="stated",
                 expected=70.02, actual=89.0, difference=18.98, file="000_c669139aa1fe8f20.txt", page=30)]
    text = failed_checks_markdown(rows, total=2)
    assert text.splitlines()[0] == "2 failed checks, the first 1:"
    assert "| 辽宁省数据局 2024 决算 | narrative.project_execution_rate_pct | stated | 70.02 | 89.00 | 18.98 | " \
           "000_c669139aa1fe8f20.txt | 30 |" in text
