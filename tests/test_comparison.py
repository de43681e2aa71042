"""Comparison across departments and years (docs/comparison.md), checked against the synthetic corpus's truth.

ONE warehouse per session: a generated 20-department × 6-year corpus (gongkai.synth, text reports only; the truth
JSON stays outside raw/), the bundled real reports (raw/: the Liaoning seed and the Putuo PDF) and one re-issued
report (a second file of one department-year at a path that sorts later), through the whole pipeline in-process.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from conftest import environment, RAW, module_exists

# seed 7: no two generated departments share a name in one year (seed 11 has two 昆明市商务局: indistinguishable)
DEPARTMENTS, YEARS, SEED = 20, 6, 7
REISSUED = "reissued/2022_synth-7-0003_更正.txt"  # sorts after "2022_synth-7-0003.txt"
SEED_PATH = "000_c669139aa1fe8f20.txt"  # the Liaoning 2024 seed in raw/


@pytest.fixture(scope="session")
def comparison(tmp_path_factory):
    if not module_exists("gongkai.extract.parser"):
        pytest.skip("the extraction library is not there yet")
    from gongkai.pipeline.run import run_pipeline
    from gongkai.synth import generate_corpus, truth_dir_for

    base = tmp_path_factory.mktemp("comparison")
    corpus, raw = base / "corpus", base / "raw"
    generate_corpus(corpus, departments=DEPARTMENTS, years=YEARS, seed=SEED)
    raw.mkdir()
    for path in corpus.glob("*.txt"):
        shutil.copy(path, raw / path.name)
    for path in RAW.iterdir():
        shutil.copy(path, raw / path.name)
    (raw / "reissued").mkdir()
    original = (corpus / "2022_synth-7-0003.txt").read_bytes()
    # a second version of the report that lost its last table (三公): a worse read than the original
    text = original.decode("utf-8")
    (raw / REISSUED).write_bytes(text[: text.rindex("\n", 0, text.index("“三公”经费支出决算表"))].encode("utf-8"))
    warehouse = base / "warehouse" / "gongkai.duckdb"
    with environment(GONGKAI_RAW=str(raw), GONGKAI_WAREHOUSE=str(warehouse)):
        result, summary = run_pipeline()
    assert warehouse.exists(), summary
    truth = {"corpus": json.loads((truth_dir_for(corpus) / "corpus.truth.json").read_text(encoding="utf-8")),
             "reports": {}}
    named = defaultdict(set)
    for dept in truth["corpus"]["departments"]:
        for entry in dept["names"]:
            for year in entry["years"]:
                named[(entry["name"], year)].add(dept["department_id"])
    assert all(len(v) == 1 for v in named.values()), "the corpus has two departments of one name in one year"
    for path in truth_dir_for(corpus).glob("20*.truth.json"):
        report = json.loads(path.read_text(encoding="utf-8"))
        truth["reports"][(report["department_id"], report["fiscal_year"])] = report
    con = duckdb.connect(str(warehouse), read_only=True)
    yield {"con": con, "truth": truth, "summary": summary, "result": result}
    con.close()


def q(con, sql, *params):
    return con.execute(sql, list(params)).fetchall()


def rows(con, sql, *params) -> list[dict]:
    cur = con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def truth_region(dept: dict) -> str:
    r = dept["region"]
    return {"province": r["province"], "city": r["city"], "district": (r["city"] or "") + (r["district"] or "")}[
        dept["level"]]


@pytest.fixture(scope="session")
def ids(comparison) -> dict[str, str]:
    """truth department_id → warehouse department_id, via the report files (each must map to exactly one)."""
    con = comparison["con"]
    found: dict[str, set[str]] = defaultdict(set)
    for path, department_id in q(con, "select path, department_id from marts.dim_report_version"):
        stem = Path(path).name.split("_")[1].removesuffix(".txt")
        if stem.startswith("synth-"):
            found[stem].add(department_id)
    assert all(len(v) == 1 for v in found.values()), found
    return {k: next(iter(v)) for k, v in found.items()}


def test_build_has_no_failed_comparison_checks(comparison):
    result = comparison["result"]
    assert result.success, comparison["summary"]
    con = comparison["con"]
    assert q(con, "select count(*) from quality.comparative_reconciliation where status = 'fail'") == [(0,)]
    assert q(con, "select count(*) from marts.fct_department_year_change where check_status = 'fail'") == [(0,)]


# --- 1. department identity ------------------------------------------------------------------------------------

def test_department_identity_across_renames(comparison, ids):
    con, corpus = comparison["con"], comparison["truth"]["corpus"]
    assert len(ids) == DEPARTMENTS
    assert len(set(ids.values())) == DEPARTMENTS  # distinct departments stay distinct
    renamed = 0
    for dept in corpus["departments"]:
        did = ids[dept["department_id"]]
        row = rows(con, "select * from marts.dim_department where department_id = ?", did)[0]
        latest = dept["names"][-1]["name"]
        assert row["canonical_name"] == latest, dept
        assert row["names_printed"] == sorted(dept["aliases"]), dept
        assert row["level"] == dept["level"], dept
        assert row["province"] == dept["region"]["province"], dept
        assert row["region"] == truth_region(dept), dept
        assert row["renamed"] == (len(dept["aliases"]) > 1)
        assert row["report_count"] == YEARS  # one per year: a re-issued report's versions count once
        # names over time: each name with the years printed under it
        names = {r["name"]: r for r in rows(con, "select * from marts.dim_department_name where department_id = ?", did)}
        for entry in dept["names"]:
            assert names[entry["name"]]["years"] == entry["years"], (dept, entry)
            expected_match = "self" if entry["name"] == latest else "rename_rule"
            assert names[entry["name"]]["match"] == expected_match
        renamed += len(dept["aliases"]) > 1
        # every fact joins through the one identity: every year of the department under one id
        years = [r[0] for r in q(con, "select year from marts.fct_department_year where department_id = ? "
                                      "and basis = 'report' order by year", did)]
        assert years == corpus["years"]
    assert renamed >= 2, "the corpus should hold renamed departments"


def test_seed_alias_keeps_liaoning_identity(comparison):
    con = comparison["con"]
    row = rows(con, "select * from marts.dim_department where canonical_name = '辽宁省数据局'")[0]
    assert {"辽宁省营商环境建设局", "省营商局"} <= set(row["names_known"])
    assert (row["region"], row["level"], row["province"], row["region_source"]) == ("辽宁省", "province", "辽宁省", "seed")
    putuo = rows(con, "select * from marts.dim_department where canonical_name = '上海市普陀区财政局'")[0]
    assert (putuo["region"], putuo["level"], putuo["province"], putuo["district"]) == (
        "上海市普陀区", "district", "上海市", "普陀区")
    # department_id on every mart, never NULL for a loaded report
    for table in ("fct_department_year", "fct_department_year_change", "fct_department_year_rank",
                  "fct_reported_comparative", "dim_report_version"):
        assert q(con, f"select count(*) from marts.{table} where department_id is null") == [(0,)], table


def test_reissued_report_one_version_used_both_kept(comparison, ids):
    con = comparison["con"]
    did = ids["synth-7-0003"]
    versions = rows(con, "select path, is_preferred, version_rank, versions_in_year, preference_reason, report_id, "
                         "preferred_report_id from marts.dim_report_version where department_id = ? and year = 2022 "
                         "order by version_rank", did)
    assert [(v["path"], v["is_preferred"], v["versions_in_year"]) for v in versions] == [
        ("2022_synth-7-0003.txt", True, 2), (REISSUED, False, 2)]
    # the original reads one more table, although the copy's path sorts last
    assert versions[0]["preference_reason"] == "better_read"
    assert versions[1]["preference_reason"] == "superseded_worse_read"
    assert {v["preferred_report_id"] for v in versions} == {versions[0]["report_id"]}
    # both kept in raw.*, one version in every fct_* mart, from the preferred report
    assert q(con, "select count(distinct report_id) from raw.table_cells where report_id in (?, ?)",
             versions[0]["report_id"], versions[1]["report_id"]) == [(2,)]
    assert q(con, "select report_id from marts.fct_report_summary where department_id = ? and year = 2022", did) == [
        (versions[0]["report_id"],)]
    assert q(con, "select report_id from marts.fct_department_year where department_id = ? and year = 2022", did) == [
        (versions[0]["report_id"],)]
    assert q(con, "select count(*) from (select department_id, year from marts.fct_department_year "
                  "group by all having count(*) > 1)") == [(0,)]


# --- 2. classification names over the years -------------------------------------------------------------------

def test_classification_name_drift(comparison):
    from gongkai.synth import catalog

    con = comparison["con"]
    norm = lambda s: "".join(s.split()).replace("(", "（").replace(")", "）")  # noqa: E731
    checked = 0
    for code, year, name_normalized in q(con, "select code, year, name_normalized from marts.dim_function_class_name_by_year "
                                              "where source = 'report' and year between 2019 and 2024"):
        if code in catalog.FUNCTION_NAMES:
            assert name_normalized == norm(catalog.function_name(code, year)), (code, year)
            checked += 1
    assert checked > 50
    # 20805: printed under both names in the corpus; one code, canonical = the latest year's name
    names = dict(q(con, "select year, name from marts.dim_function_class_name_by_year where code = '20805'"))
    assert {names[2019], names[2024]} == {"行政事业单位离退休", "行政事业单位养老支出"}
    assert q(con, "select canonical_name, name_drifted from marts.dim_function_class where code = '20805'") == [
        ("行政事业单位养老支出", True)]
    assert q(con, "select canonical_name, name_drifted, years_other_name from marts.dim_economic_class "
                  "where code = '310'") == [("资本性支出", True, [2017])]
    # full-width vs half-width brackets are one name
    assert q(con, "select canonical_name, name_drifted from marts.dim_economic_class where code = '30213'") == [
        ("维修（护）费", False)]


# --- 3. reported comparatives ---------------------------------------------------------------------------------

COMPARATIVE_COLUMNS = {"grand_total": "income_total", "expenditure_total": "expenditure_total",
                       "carryover_end": "carryover_end", "agency_operating_cost": "agency_operating_cost",
                       "three_public_total": "three_public_total"}


def test_comparatives_become_facts_of_the_year_before(comparison, ids):
    con, truth = comparison["con"], comparison["truth"]
    first = truth["corpus"]["years"][0]
    for ident, did in ids.items():
        report = truth["reports"][(ident, first)]
        row = rows(con, "select * from marts.fct_department_year where department_id = ? and year = ?", did, first - 1)
        assert len(row) == 1 and row[0]["basis"] == "comparative", ident
        row = row[0]
        assert row["report_id"] is None and row["reported_by_report_id"] is not None
        assert row["income_total"] is None  # the narrative's income_total is 收入总计 → grand_total
        for column, key in COMPARATIVE_COLUMNS.items():
            if key in report["comparatives"]:
                assert row[column] == pytest.approx(report["comparatives"][key], abs=0.011), (ident, column)


def test_comparatives_reconcile_with_the_year_report(comparison, ids):
    con, truth = comparison["con"], comparison["truth"]
    recon = rows(con, "select * from quality.comparative_reconciliation where department_id in "
                      f"({', '.join('?' for _ in ids)})", *ids.values())
    by_key = {(r["department_id"], r["year"], r["fact_key"]): r for r in recon}
    checked = 0
    for (ident, year), report in truth["reports"].items():
        if (ident, year - 1) not in truth["reports"]:
            continue
        for key, value in report["comparatives"].items():
            r = by_key.get((ids[ident], year - 1, key))
            if r is None or r["status"] == "not_run":
                continue
            assert r["status"] == "pass", r
            assert r["actual"] == pytest.approx(value, abs=0.011)
            assert r["expected"] == pytest.approx(truth["reports"][(ident, year - 1)]["narrative"][key], abs=0.011)
            checked += 1
    assert checked >= DEPARTMENTS * (YEARS - 1) * 4


def test_seed_comparatives_for_2023(comparison):
    con = comparison["con"]
    row = rows(con, "select * from marts.fct_department_year where department = '辽宁省数据局' and year = 2023")
    assert len(row) == 1
    row = row[0]
    seed_report = q(con, "select report_id from marts.fct_report_summary where path = ?", SEED_PATH)[0][0]
    assert row["basis"] == "comparative"
    assert row["reported_by_report_id"] == seed_report
    assert row["agency_operating_cost"] == pytest.approx(361.04)
    assert row["three_public_total"] == pytest.approx(13.60)
    assert row["expenditure_total"] == pytest.approx(8208.16)
    assert q(con, "select basis, report_id from marts.fct_department_year where department = '辽宁省数据局' "
                  "and year = 2024") == [("report", seed_report)]
    # the 2023 report is not loaded: the reconciliation is recorded as not run
    assert {r[0] for r in q(con, "select status from quality.comparative_reconciliation "
                                 "where department = '辽宁省数据局' and year = 2023")} == {"not_run"}


# --- 4. department-year marts ---------------------------------------------------------------------------------

def test_department_year_headlines_and_sme_flag(comparison, ids):
    con, truth = comparison["con"], comparison["truth"]
    n = 0
    for (ident, year), report in truth["reports"].items():
        row = rows(con, "select * from marts.fct_department_year where department_id = ? and year = ?", ids[ident], year)[0]
        narrative = report["narrative"]
        assert row["basis"] == "report"
        for column, key in COMPARATIVE_COLUMNS.items():
            assert row[column] == pytest.approx(narrative[key], abs=0.011), (ident, year, column)
        assert row["sme_share_pct"] == pytest.approx(narrative["sme_share_pct"], abs=0.011)
        assert row["sme_threshold_pct"] == 30.0
        assert row["sme_share_meets_policy"] == (narrative["sme_share_pct"] >= 30)
        scores = [p["total_score"] for p in report["projects"]]
        assert row["mean_project_score"] == pytest.approx(round(sum(scores) / len(scores), 2), abs=0.011)
        n += 1
    assert n == DEPARTMENTS * YEARS


def test_year_on_year_change_against_truth(comparison, ids):
    con, truth = comparison["con"], comparison["truth"]
    checked = 0
    for (ident, year), report in truth["reports"].items():
        prev = truth["reports"].get((ident, year - 1))
        if prev is None:
            continue
        for metric, key in COMPARATIVE_COLUMNS.items():
            r = rows(con, "select * from marts.fct_department_year_change where department_id = ? and year = ? "
                          "and metric = ?", ids[ident], year, metric)[0]
            expected = round(report["narrative"][key] - prev["narrative"][key], 2)
            assert r["change_amount"] == pytest.approx(expected, abs=0.011), (ident, year, metric)
            assert r["previous_basis"] == "report"
            stated = report["narrative"].get(f"{key}_change_amount")
            if stated is not None:
                assert r["stated_change_amount"] == pytest.approx(stated, abs=0.001)
                assert r["check_status"] == "pass", r
                checked += 1
            stated_pct = report["narrative"].get(f"{key}_change_pct")
            if stated_pct is not None and r["change_pct"] is not None:
                assert r["change_pct"] == pytest.approx(stated_pct, abs=0.05), r
    assert checked >= DEPARTMENTS * (YEARS - 1) * 3


def _expected_ranks(values: dict[str, float]) -> dict[str, tuple[int, float, int]]:
    """key → (rank desc with ties sharing, percent rank asc × 100, peers)."""
    out, n = {}, len(values)
    for k, v in values.items():
        rank = 1 + sum(1 for o in values.values() if o > v)
        below = sum(1 for o in values.values() if o < v)
        out[k] = (rank, round(100 * below / (n - 1), 2) if n > 1 else 0.0, n)
    return out


def test_ranks_within_region_and_province(comparison, ids):
    con, truth = comparison["con"], comparison["truth"]
    depts = {d["department_id"]: d for d in truth["corpus"]["departments"]}
    reverse = {v: k for k, v in ids.items()}
    for metric, key in (("expenditure_total", "expenditure_total"), ("three_public_total", "three_public_total")):
        mart = rows(con, "select * from marts.fct_department_year_rank where metric = ?", metric)
        values: dict[tuple, float] = {}
        groups: dict[str, dict[tuple, str]] = {"region": {}, "province": {}}
        for r in mart:  # synthetic rows take the truth value; the real reports' rows their own
            ident = reverse.get(r["department_id"])
            if ident is not None and (ident, r["year"]) in truth["reports"]:
                value = truth["reports"][(ident, r["year"])]["narrative"][key]
                region, province = truth_region(depts[ident]), depts[ident]["region"]["province"]
            elif ident is not None:
                value = truth["reports"][(ident, r["year"] + 1)]["comparatives"][key]
                region, province = truth_region(depts[ident]), depts[ident]["region"]["province"]
            else:
                value, region, province = r["value"], r["region"], r["province"]
            k = (r["department_id"], r["year"])
            values[k] = value
            groups["region"][k], groups["province"][k] = region, province
            assert r["value"] == pytest.approx(value, abs=0.011)
        for grouping in ("region", "province"):
            by_group: dict[tuple, dict] = defaultdict(dict)
            for k, value in values.items():
                by_group[(groups[grouping][k], k[1])][k] = value
            expected = {}
            for members in by_group.values():
                expected.update(_expected_ranks(members))
            for r in mart:
                k = (r["department_id"], r["year"])
                got = (r[f"{grouping}_rank"], r[f"{grouping}_percentile"], r[f"{grouping}_peers"])
                assert got == expected[k], (metric, grouping, r)


def test_project_performance_distribution(comparison, ids):
    import statistics

    con, truth = comparison["con"], comparison["truth"]
    for (ident, year), report in truth["reports"].items():
        for measure in ("execution_rate_pct", "total_score"):
            values = sorted(p[measure] for p in report["projects"])
            r = rows(con, "select * from marts.fct_project_performance_distribution where grain = 'department_year' "
                          "and department_id = ? and year = ? and measure = ?", ids[ident], year, measure)[0]
            assert r["project_count"] == len(values)
            assert r["min_value"] == pytest.approx(values[0]) and r["max_value"] == pytest.approx(values[-1])
            assert r["median"] == pytest.approx(statistics.median(values), abs=0.006)
            assert r["below_threshold_count"] == sum(v < 80 for v in values)
    # overall over the synthetic corpus and the real reports: count and share below 80 agree with the project mart
    for measure in ("execution_rate_pct", "total_score"):
        overall = rows(con, "select * from marts.fct_project_performance_distribution where grain = 'overall' "
                            "and measure = ?", measure)[0]
        count, below = q(con, f"select count({measure}), count(*) filter (where {measure} < 80) "
                              "from marts.fct_project_performance p join marts.dim_report_version v using (report_id) "
                              "where v.is_preferred")[0]
        assert (overall["project_count"], overall["below_threshold_count"]) == (count, below)
        assert overall["below_threshold_share_pct"] == pytest.approx(round(100 * below / count, 2))
        assert overall["min_value"] <= overall["p25"] <= overall["median"] <= overall["p75"] <= overall["max_value"]
