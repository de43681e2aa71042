"""A warehouse to trust on a real, messy folder (issue 13, items 1, 2 and 6): a report's own inconsistency is data and
never blocks publishing; every fct_* mart holds one version per department-year-kind, chosen from the files alone;
a warehouse rebuilt from raw/ is identical, table by table, to one grown run by run.

The folder: the two bundled real reports, then three more files built from them —
- the Liaoning final whose narrative says more went to SMEs than its whole procurement (369.36 → 4,222.32 万元,
  "200.00%" of 2,111.16), re-signed with a later date at its end (the report's own date, 2025年9月20日);
- the Liaoning final re-issued with two changed numbers (行政单位医疗 84.11 / 76.53 → 84.12 / 76.54);
- three pages of the Putuo final (cover and one table) at a path sorting after the full report.

Cost: two pipeline runs (the incremental step on a copy of the session's e2e warehouse, and the rebuild).
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import environment, LIAONING, query, RAW, REPO, SHANGHAI
from tests.test_reliability import reissued_seed, shanghai_pages

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (RAW / SHANGHAI).exists(), reason="the bundled reports are needed")]

SEED_TEXT = (RAW / LIAONING).read_text(encoding="utf-8")
SME_REPORT = "liaoning/000_c669139aa1fe8f20_中小企业.txt"
REISSUED = "reissued/000_c669139aa1fe8f20_更正.txt"
PARTIAL = "zz/2024_shpt-czj_final_节选.pdf"
ADDED = (SME_REPORT, REISSUED, PARTIAL)


def sme_above_procurement() -> bytes:
    """The seed with its narrative's SME amount above its procurement total, signed with a date at the end."""
    printed = "授予中小企业合同金额 369.36 万元，占政\n\n府采购支出总额的 17.50%"
    assert SEED_TEXT.count(printed) == 1
    text = SEED_TEXT.replace(printed, "授予中小企业合同金额 4,222.32 万元，占政\n\n府采购支出总额的 200.00%")
    return (text.rstrip("\n") + "\n\n辽宁省数据局\n\n2025年9月20日\n").encode("utf-8")




def add_files(raw: Path) -> None:
    for rel, data in ((SME_REPORT, sme_above_procurement()), (REISSUED, reissued_seed()), (PARTIAL, shanghai_pages())):
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        (raw / rel).write_bytes(data)


def run(raw: Path, warehouse: Path):
    import dagster as dg

    from gongkai.pipeline.run import run_pipeline

    with environment(GONGKAI_RAW=str(raw), GONGKAI_WAREHOUSE=str(warehouse)):
        return run_pipeline(instance=dg.DagsterInstance.ephemeral())


@pytest.fixture(scope="module")
def grown(e2e, tmp_path_factory):
    """The session's warehouse of the two bundled reports, grown by one run after three files were added."""
    base = tmp_path_factory.mktemp("grown")
    shutil.copytree(e2e["raw"], base / "raw")
    shutil.copytree(e2e["warehouse"].parent, base / "warehouse", ignore=shutil.ignore_patterns("build"))
    add_files(base / "raw")
    warehouse = base / "warehouse" / e2e["warehouse"].name
    result, summary = run(base / "raw", warehouse)
    return {"raw": base / "raw", "warehouse": warehouse, "result": result, "summary": summary}


@pytest.fixture(scope="module")
def shrunk(grown, tmp_path_factory):
    """The grown warehouse one run later, after the preferred Liaoning version (SME_REPORT) was deleted: the
    re-issue becomes the preferred version, so the per-report marts delete one report's rows and build another's."""
    base = tmp_path_factory.mktemp("shrunk")
    shutil.copytree(grown["raw"], base / "raw")
    shutil.copytree(grown["warehouse"].parent, base / "warehouse", ignore=shutil.ignore_patterns("build"))
    (base / "raw" / SME_REPORT).unlink()
    warehouse = base / "warehouse" / grown["warehouse"].name
    result, summary = run(base / "raw", warehouse)
    return {"raw": base / "raw", "warehouse": warehouse, "result": result, "summary": summary}


@pytest.fixture(scope="module")
def rebuilt(shrunk, tmp_path_factory):
    """The shrunk warehouse's raw/ loaded once into a new warehouse."""
    base = tmp_path_factory.mktemp("rebuilt")
    shutil.copytree(shrunk["raw"], base / "raw")
    warehouse = base / "warehouse" / "gongkai.duckdb"
    result, summary = run(base / "raw", warehouse)
    return {"warehouse": warehouse, "result": result, "summary": summary}


def report_id(warehouse: Path, path: str) -> str:
    return query(warehouse, "SELECT report_id FROM raw.report_files WHERE path = ? AND is_current", [path])[0][0]


# --- 1. a report's own inconsistency is data ------------------------------------------------------------------------


def test_inconsistent_report_publishes_and_is_named(grown):
    """SME amount above procurement: the run succeeds and publishes; the failed check names the file, page and both
    values in quality.report_check_failures and in what `gongkai run` prints; the GX suite only warns."""
    from gongkai.pipeline.summary import format_summary

    summary = grown["summary"]
    assert grown["result"].success, (summary["failed_steps"], summary["failed_checks"])
    rid = report_id(grown["warehouse"], SME_REPORT)
    rows = query(grown["warehouse"], "SELECT file, page, expected, actual, is_preferred FROM "
                 "quality.report_check_failures WHERE report_id = ? AND check_name = 'narrative.sme_within_total'",
                 [rid])
    assert rows == [(SME_REPORT, 9, 2111.16, 4222.32, True)]
    shares = query(grown["warehouse"], "SELECT expected, actual FROM quality.report_check_failures "
                   "WHERE report_id = ? AND check_name = 'narrative.share_at_most_100.sme_share_pct'", [rid])
    assert shares == [(100.0, 200.0)]
    text = format_summary(summary)
    assert f"  {SME_REPORT} p.9: narrative.sme_within_total expected 2111.16 actual 4222.32" in text
    assert "marts/fct_procurement:gx_fct_procurement (WARN)" in text
    assert not any("(ERROR)" in check for check in summary["failed_checks"]), summary["failed_checks"]


def test_no_impossible_share_in_the_marts(grown):
    """The printed 200 % share is not emitted (its key in withheld_keys); the printed amounts are kept as printed and
    the 200 % stays in raw.narrative_facts."""
    wh = grown["warehouse"]
    rid = report_id(wh, SME_REPORT)
    assert query(wh, "SELECT total, sme_amount, sme_share_pct, withheld_keys FROM marts.fct_procurement "
                     "WHERE report_id = ?", [rid]) == [(2111.16, 4222.32, None, ["sme_share_pct"])]
    assert query(wh, "SELECT value FROM raw.narrative_facts WHERE report_id = ? AND fact_key = 'sme_share_pct'",
                 [rid]) == [(200.0,)]
    for table in ("fct_procurement", "fct_report_summary", "fct_department_year"):
        assert query(wh, f"SELECT count(*) FROM marts.{table} WHERE sme_share_pct > 100") == [(0,)], table


# --- 2. one version per department-year-kind ---------------------------------------------------------------------------


def test_versions_chosen_from_the_files(grown):
    wh = grown["warehouse"]
    versions = query(wh, "SELECT path, version_rank, is_preferred, printed_date, preference_reason "
                         "FROM marts.dim_report_version ORDER BY department_as_printed, version_rank")
    assert versions == [
        (SHANGHAI, 1, True, None, "better_read"),
        (PARTIAL, 2, False, None, "superseded_worse_read"),
        (SME_REPORT, 1, True, "2025-09-20", "later_printed_date"),
        (REISSUED, 2, False, None, "superseded_earlier_printed_date"),
        (LIAONING, 3, False, None, "superseded_earlier_printed_date"),
    ]
    # every version stays in raw.*
    assert query(wh, "SELECT count(DISTINCT report_id) FROM raw.table_cells") == [(5,)]


def test_every_fct_mart_counts_a_report_once(grown, e2e):
    """Σ of 类 over a folder holding three versions of the Liaoning final equals one version's (the e2e
    warehouse holds the original alone; the preferred version has the same tables); each fct_* holds preferred
    reports only."""
    wh = grown["warehouse"]
    sql = ("SELECT sum(total) FROM marts.fct_expenditure_by_function WHERE level = 1 AND scope = 'all_funds' "
           "AND department = '辽宁省数据局'")
    (alone,), = query(e2e["warehouse"], sql)
    assert alone > 1000 and query(wh, sql) == [(pytest.approx(alone),)]
    preferred = {r for (r,) in query(wh, "SELECT report_id FROM marts.dim_report_version WHERE is_preferred")}
    marts = [t for (t,) in query(wh, "SELECT table_name FROM information_schema.columns WHERE table_schema = 'marts' "
                                     "AND column_name = 'report_id' AND table_name LIKE 'fct_%'")]
    assert len(marts) >= 10
    for mart in marts:
        found = {r for (r,) in query(wh, f"SELECT DISTINCT report_id FROM marts.{mart} WHERE report_id IS NOT NULL")}
        assert found <= preferred, mart
    assert query(wh, "SELECT count(*), count(DISTINCT (department_id, year, kind)) FROM marts.fct_report_summary") \
        == [(2, 2)]


# --- 6. reproducible ------------------------------------------------------------------------------------------------------


def test_rebuild_equals_incremental_growth(shrunk, rebuilt):
    """Every table of every schema: same row count and order-independent row hash (timestamps and the GX run log
    left out, doubles to 1e-6), whether the warehouse was grown run by run — a new version superseding the
    preferred one, then that version deleted — or rebuilt from the same raw/."""
    from tests.test_reliability import fingerprint

    assert shrunk["result"].success and rebuilt["result"].success
    grown_tables, rebuilt_tables = fingerprint(shrunk["warehouse"]), fingerprint(rebuilt["warehouse"])
    assert sorted(grown_tables) == sorted(rebuilt_tables)
    # raw.report_files keeps a row for every file version the folder ever held (the deleted one, no longer current),
    # so the hashes of that table, which the state of its whole-table suite and the dbt build's inputs
    # (build_state.dbt_build) record, differ too
    differ = sorted(t for t in grown_tables if grown_tables[t] != rebuilt_tables[t]
                    and t not in ("raw.report_files", "quality.gx_table_state", "build_state.dbt_build"))
    assert not differ, differ
    table_state = ("SELECT suite, fingerprint, version, outcome FROM quality.gx_table_state "
                   "WHERE suite <> 'raw_report_files' ORDER BY suite")
    assert query(shrunk["warehouse"], table_state) == query(rebuilt["warehouse"], table_state)
    current = "SELECT * EXCLUDE (first_seen, last_seen) FROM raw.report_files WHERE is_current ORDER BY path"
    assert query(shrunk["warehouse"], current) == query(rebuilt["warehouse"], current)
    assert query(shrunk["warehouse"], "SELECT is_current FROM raw.report_files WHERE path = ?", [SME_REPORT]) \
        == [(False,)]
    assert len(grown_tables) > 40


def test_per_report_marts_build_only_what_changed(shrunk):
    """The run after the deletion built the per-report marts incrementally: their compiled SQL selects the one
    report that became preferred (the re-issue), not every report."""
    reissued = report_id(shrunk["warehouse"], REISSUED)
    assert query(shrunk["warehouse"], "SELECT report_id FROM marts.fct_report_summary WHERE department = '辽宁省数据局'") \
        == [(reissued,)]
    run_id = shrunk["result"].run_id
    compiled = [p for p in (REPO / "dbt" / "target").glob(f"gongkai_dbt-{run_id[:8]}-*/compiled/**/fct_report_summary.sql")]
    assert len(compiled) == 1, compiled
    assert f"r.report_id in ('{reissued}')" in compiled[0].read_text(encoding="utf-8")
    # the tables whose rows belong to any current report, preferred or not, too (the re-issue's fingerprint changed:
    # it became the preferred version); its rows were there before, as a superseded version's
    reconciliation = next((REPO / "dbt" / "target").glob(f"gongkai_dbt-{run_id[:8]}-*/compiled/**/reconciliation.sql"))
    assert f"r.report_id in ('{reissued}')" in reconciliation.read_text(encoding="utf-8")
    assert query(shrunk["warehouse"], "SELECT count(*) > 0 FROM quality.reconciliation WHERE report_id = ?",
                 [reissued]) == [(True,)]


# --- the docs' example queries -----------------------------------------------------------------------------------------


def _documented_queries() -> list[tuple[str, str]]:
    """Every statement of every ```sql block of README.md and docs/*.md, and every `gongkai query "…"` of README.md."""
    found = []
    for doc in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        text = doc.read_text(encoding="utf-8")
        blocks = re.findall(r"```sql\n(.*?)```", text, flags=re.S)
        if doc.name == "README.md":
            blocks += re.findall(r'gongkai query "(.*?)"', text, flags=re.S)
        for block in blocks:
            for statement in block.split(";"):
                lines = [line for line in statement.splitlines() if not line.strip().startswith("--")]
                if "".join(lines).strip():
                    found.append((doc.name, "\n".join(lines)))
    return found


def test_documented_queries_run(e2e):
    queries = _documented_queries()
    assert len(queries) >= 12
    con = duckdb.connect(str(e2e["warehouse"]), read_only=True)
    try:
        for doc, sql in queries:
            try:
                con.execute(sql).fetchall()
            except duckdb.Error as error:
                pytest.fail(f"{doc}: {error}\n{sql}")
    finally:
        con.close()


def test_printed_date_is_the_reports_own():
    """Read from a line that is only a date at the end (落款) or on the cover; a date inside a sentence is not it."""
    from gongkai.extract.identity import read_printed_date
    from gongkai.extract.records import Line

    def lines(*texts, page=1):
        return [Line(text, page, i + 1) for i, text in enumerate(texts)]

    assert read_printed_date(lines("西南大学 2023 年度部门决算", "2024 年 8 月", "目 录")) == "2024-08"
    assert read_printed_date(lines("…", "辽宁省数据局", "2025年9月20日")) == "2025-09-20"
    assert read_printed_date(lines("…", "二〇二四年十二月三十一日")) == "2024-12-31"
    assert read_printed_date(lines("截至 2024年 12月 31日，共有车辆 5辆")) is None
    assert read_printed_date(lines("2024年13月")) is None
    swu = Path("/work/shared/corpus/final/2023_moe-swu_final.pdf")
    if swu.exists():
        from gongkai.extract.parser import parse_file

        started = time.monotonic()
        assert parse_file(swu).printed_date == "2024-08"  # its cover: 西南大学 2023 年度部门决算 / 2024 年 8 月
        assert time.monotonic() - started < 120
