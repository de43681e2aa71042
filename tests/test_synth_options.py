"""The synthetic reports' variation options (gongkai.synth.render.Options) the parser reads: generated with one option
on, parsed, compared with their truth. The options not here still leave cells ambiguous in a text dump (its blank
cells dropped: zero_column_any, business_expenditure, state_capital_blanks_dropped) — flagged `ambiguous_column`,
never a wrong number."""

from __future__ import annotations

import json

import pytest

from gongkai.extract.parser import parse_file
from gongkai.extract.records import CELL_AMBIGUOUS, CELL_BLANK
from gongkai.synth import generate_corpus, truth_dir_for
from gongkai.synth.compare import compare
from gongkai.synth.render import Options


@pytest.mark.parametrize("option", ["absent_optional_tables", "biao_labels"])
def test_option_reads_back_to_its_truth(tmp_path, option):
    files = generate_corpus(tmp_path / "r", departments=4, years=2, seed=0, options=Options(**{option: True}))
    truth_dir = truth_dir_for(tmp_path / "r")
    for path in files:
        truth = json.loads((truth_dir / f"{path.stem}.truth.json").read_text(encoding="utf-8"))
        assert compare(parse_file(path), truth) == []


def test_a_fund_carrying_nothing_has_no_share_of_the_summary_carryover(tmp_path):
    """one_sided_carryover: the 财政拨款收入支出决算总表's 年末结转和结余 prints its total and one fund's amount, the
    other funds' cells dropped with the dump's blanks. Where the 政府性基金 table's own 年末结转和结余 合计 is 0.00, the
    amount is not that fund's (before: ambiguous between 一般公共预算 and 政府性基金)."""
    files = generate_corpus(tmp_path / "r", departments=7, years=2, seed=0, options=Options(one_sided_carryover=True))
    decided = 0
    for path in files:
        report = parse_file(path)
        fund = report.table("government_fund")
        if fund is None or fund.is_empty or fund.row(item="total").value("carryover_end") != 0:
            continue
        row = report.table("appropriation_summary").row(item="carryover_end")
        assert row.cell("government_fund").status == CELL_BLANK
        decided += row.cell("general_budget").status != CELL_AMBIGUOUS
    assert decided >= 1


def test_fund_tables_without_their_blanks_decide_all_but_basic_and_project(tmp_path):
    """fund_blanks_dropped: a 政府性基金 table's rows printed without their blank cells. Each row's own identities
    (年初结转和结余 + 本年收入 = 本年支出 + 年末结转和结余; 本年支出 = 基本支出 + 项目支出) place every amount but an
    本年支出 that is all 基本 or all 项目 (before: every column of such a row ambiguous)."""
    files = generate_corpus(tmp_path / "r", departments=8, years=2, seed=0, options=Options(fund_blanks_dropped=True))
    truth_dir = truth_dir_for(tmp_path / "r")
    fund_problems = []
    for path in files:
        truth = json.loads((truth_dir / f"{path.stem}.truth.json").read_text(encoding="utf-8"))
        problems = compare(parse_file(path), truth)
        fund_problems += [p for p in problems if p.startswith(("government_fund", "state_capital"))]
    assert fund_problems and all("ambiguous among ('basic', 'project')" in p for p in fund_problems)
