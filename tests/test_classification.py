"""The classification reference (dbt/seeds/observed_classification_codes.csv): gathered from real reports by
dbt/scripts/classification_codes.py, it must hold every function / economic code those reports print, with its
name, and be structurally sound (类 3 / 款 5 / 项 7 digits, every parent present)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "dbt" / "scripts"))
import classification_codes as gather  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus (the real reports) is absent")


@pytest.fixture(scope="module")
def seed() -> dict[tuple[str, str], set[str]]:
    names: dict[tuple[str, str], set[str]] = {}
    with gather.SEED.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            assert gather.LEVELS[len(row["code"])] == row["level"], row
            names.setdefault((row["kind"], row["code"]), set()).add(row["name_as_printed"])
    return names


def test_standard_codes_are_in_the_reference(seed):
    assert "行政运行" in seed[("function", "2010601")]
    assert seed[("function", "20106")] == {"财政事务"}
    assert seed[("function", "201")] == {"一般公共服务支出"}
    assert "基本工资" in seed[("economic", "30101")]


def test_every_parent_is_in_the_reference(seed):
    orphans = [(kind, code) for kind, code in seed if len(code) > 3 and (kind, code[:-2]) not in seed]
    assert orphans == []


def test_table_rows_give_whole_names():
    rows = [("21208", "21208 国有土地使用权出让收入及对应专项债务收入安排的支出"), ("39908", "对民间非营利组织和群众性自治组织补贴"),
            ("2010601", "行政运行"), ("合计", "合计"), ("301", "")]
    assert list(gather.codes_in_rows(rows)) == [
        ("function", "21208", "国有土地使用权出让收入及对应专项债务收入安排的支出"),
        ("economic", "39908", "对民间非营利组织和群众性自治组织补贴"), ("function", "2010601", "行政运行")]


def test_lines_read_as_classified_rows():
    lines = ["2010601 行政运行 6,487.76 6,487.76 0.00", "201 06 01 行政运行 84,861,719 84,861,719",
             "30101 基本工资 491.50", "2080505 71.12 46.01", "500 全年预算数（A） 全年执行数（B）",
             "24169.74 15844.04 4335.30"]
    assert list(gather.codes_in_lines(lines)) == [
        ("function", "2010601", "行政运行"), ("function", "2010601", "行政运行"), ("economic", "30101", "基本工资")]


@needs_corpus
@pytest.mark.parametrize("name", ["seed/000_c669139aa1fe8f20.txt", "budget/2026_gz-tjj_budget.pdf"])
def test_reference_holds_every_code_a_real_report_prints(seed, name):
    """A final (text dump) and a budget (PDF): each code and name of its tables and classified lines is in the
    committed seed."""
    year, lines, rows = gather.read_report(CORPUS / name)
    printed = set(gather.codes_in_lines(lines)) | set(gather.codes_in_rows(rows))
    assert len(printed) > 20, name
    missing = sorted((kind, code, label) for kind, code, label in printed if label not in seed.get((kind, code), ()))
    assert missing == [], f"{name}: run dbt/scripts/classification_codes.py on the corpus"
