"""Synthetic budgets (gongkai synth --budgets): each final's budget of the same year reads back to its truth, and on a
warehouse holding both, fct_budget_vs_final sets each line's budget (the budget's truth) against its final (the
final's truth cells), and the sources of funds the budgets print are the rows of fct_budget_income_by_source (the
收入总表's 合计 row) and fct_budget_expenditure_by_source (the 支出总表's function-code rows, where printed)."""

from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pytest

pytest.importorskip("reportlab", reason="synthetic budgets are PDFs (reportlab)")

DEPARTMENTS, YEARS, SEED = 3, 2, 11


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from gongkai.synth import generate_corpus, truth_dir_for

    out = tmp_path_factory.mktemp("synth") / "raw"
    files = generate_corpus(out, departments=DEPARTMENTS, years=YEARS, seed=SEED, budgets=True)
    return out, truth_dir_for(out), files


def _truth(truth_dir, path) -> dict:
    return json.loads((truth_dir / f"{path.stem}.truth.json").read_text(encoding="utf-8"))


def test_every_budget_reads_back_to_its_truth(corpus):
    from gongkai.extract.parser import parse_file
    from gongkai.synth.compare import compare_budget

    out, truth_dir, files = corpus
    budgets = [f for f in files if f.name.endswith("_budget.pdf")]
    assert len(budgets) == DEPARTMENTS * YEARS
    units = {}
    for path in budgets:
        truth = _truth(truth_dir, path)
        assert truth["kind"] == "budget" and len(truth["cells"]) > 20
        report = parse_file(path)
        assert compare_budget(report, truth) == [], path.name
        units[truth["layout"]] = {t.family: t.unit for t in report.tables}
    # each layout of a real family: 万元; 元 with thousands separators (三公 in 万元); 公开0N表 numbering
    assert units["yuan"] == {"budget_income": "元", "budget_expenditure": "元", "budget_general_expenditure": "元",
                             "budget_three_public": "万元"}
    assert units["wan"] == units["numbered"] == {"budget_income": "万元", "budget_expenditure": "万元",
                                                 "budget_general_expenditure": "万元", "budget_three_public": "万元"}


def test_generation_is_deterministic(corpus, tmp_path):
    """The same seed writes the same budget, through the ``gongkai synth --budgets`` command too."""
    from gongkai.cli import main

    _, _, files = corpus
    assert main(["synth", "--departments", "1", "--years", str(YEARS), "--seed", str(SEED), "--out",
                 str(tmp_path / "raw"), "--budgets"]) == 0
    budget = next((tmp_path / "raw").glob("*_budget.pdf"))
    assert budget.read_bytes() == next(f for f in files if f.name == budget.name).read_bytes()


_FINAL_SIDE = {"all_funds": ("expenditure", "total"), "general_budget": ("general_budget_expenditure", "total"),
               "three_public": ("three_public", "actual")}


@pytest.fixture(scope="module")
def warehouse(corpus, tmp_path_factory):
    out, _, _ = corpus
    path = tmp_path_factory.mktemp("wh") / "wh.duckdb"
    run = subprocess.run([sys.executable, "-m", "gongkai.cli", "run", "--raw", str(out), "--warehouse", str(path)],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return path


def _query(warehouse, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.slow
def test_budget_vs_final_matches_both_truths(corpus, warehouse):
    out, truth_dir, files = corpus
    rows = _query(warehouse, "select v.path, b.scope, b.line, b.budget, b.final from marts.fct_budget_vs_final as b "
                             "join marts.dim_report_version as v on v.report_id = b.budget_report_id")
    executed = _query(warehouse, "select count(*) from marts.fct_department_year "
                                 "where basis = 'report' and budget_execution_pct is not null")[0][0]
    mart = {(path, scope, line): (b, f) for path, scope, line, b, f in rows}
    checked = 0
    for path in (f for f in files if f.name.endswith("_budget.pdf")):
        budget = _truth(truth_dir, path)
        final = _truth(truth_dir, path.with_name(path.name.removesuffix("_budget.pdf") + ".txt"))
        cells = {(c["family"], c["code"] or c["item"], c["column"]): c["value"] for c in final["cells"]}
        for line in budget["budget_vs_final"]:
            if line["line"] == "expenditure_total":
                continue  # the final's side is fct_report_summary's, not a table cell
            family, column = _FINAL_SIDE[line["scope"]]
            expected = (line["budget"], cells.get((family, line["line"], column)))
            assert mart[(path.name, line["scope"], line["line"])] == pytest.approx(expected), line
            checked += 1
    assert checked > 100
    assert executed == DEPARTMENTS * YEARS


def _income_sources(truth: dict) -> dict:
    return {c["column"]: c["value"] for c in truth["cells"] if c["family"] == "budget_income"
            and c["item"] == "total" and c["column"] != "total"}


def _expenditure_sources(truth: dict) -> dict:
    """(line kind, code or unit, source) → amount of every source the 支出总表 prints, as the mart names its lines."""
    return {("total" if c["item"] == "total" else "function" if c["code"] else "line", c["code"] or c["label"],
             c["column"]): c["value"] for c in truth["cells"]
            if c["family"] == "budget_expenditure" and c["column"] not in ("total", "basic", "project")}


@pytest.mark.slow
def test_sources_of_funds_are_the_marts_rows(corpus, warehouse):
    """Every source a budget's 收入总表 prints on its 合计 row is a row of fct_budget_income_by_source (blank: NULL
    amount), adding up to the printed 合计; every source its 支出总表 prints — per unit (西安's 表3) or by function code
    (no real budget does) — is a row of fct_budget_expenditure_by_source, and budgets not printing them have none."""
    _, truth_dir, files = corpus
    income = _query(warehouse, "select v.path, s.source, s.amount, s.counted_in_total, s.income_total, s.basis "
                               "from marts.fct_budget_income_by_source as s "
                               "join marts.dim_report_version as v using (report_id)")
    spent = _query(warehouse, "select v.path, s.line_kind, case when s.line_kind <> 'total' "
                              "then coalesce(s.function_code, s.line_name) end, s.source, s.amount "
                              "from marts.fct_budget_expenditure_by_source as s "
                              "join marts.dim_report_version as v using (report_id)")
    printed = []
    for path in (f for f in files if f.name.endswith("_budget.pdf")):
        truth = _truth(truth_dir, path)
        total = next(c["value"] for c in truth["cells"] if c["family"] == "budget_income" and c["item"] == "total"
                     and c["column"] == "total")
        expected = _income_sources(truth)
        rows = [row[1:] for row in income if row[0] == path.name]
        assert {source: amount for source, amount, *_ in rows} == pytest.approx(expected), path.name
        assert {(counted, round(income_total, 2), basis) for _, _, counted, income_total, basis in rows} \
            == {(True, total, "income_table")}
        assert sum(v for v in expected.values() if v is not None) == pytest.approx(total)
        expected = _expenditure_sources(truth)
        assert {tuple(row[1:4]): row[4] for row in spent if row[0] == path.name} == pytest.approx(expected), path.name
        line_kind = {"function": "function", "unit": "line"}.get(truth["expenditure_sources"])
        assert {kind for kind, *_ in expected} == ({"total", line_kind} if line_kind else set())
        printed.append(truth["expenditure_sources"])
    assert set(printed) == {None, "function", "unit"}
