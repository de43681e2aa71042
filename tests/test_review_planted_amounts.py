"""Narrative amounts against the table cells they name (stated_amounts), on real reports with wrong amounts planted in
their text lines after reading: a budget of ../shared/corpus (the Putuo justice bureau's 2026 budget, tables in 元,
the 三公 table in 万元) and the Putuo final of raw/. Each planted amount is found on its line, naming the table and its
page; the report's own findings (its golden) stay found, and nothing else is."""

from __future__ import annotations

import re

import pytest

from conftest import SHANGHAI_PDF, shared_file
from review_planting import golden_of, review_with_changed_lines

BUDGET = "budget/2026_shpt-sfj_budget.pdf"
# (page, line, printed text, planted text, the table the finding must name)
BUDGET_PLANTS = (
    (8, 2, "收入预算9628.22万元", "收入预算9682.22万元", "财务收支预算总表"),
    (8, 4, "财政拨款支出预算9628.22万元", "财政拨款支出预算9268.22万元", "财政拨款收支预算总表"),
    (8, 9, "行政运行（01项）1672.67万元", "行政运行（01项）1762.67万元", "一般公共预算支出功能分类预算表"),
    (22, 7, "公务接待费0.83万元", "公务接待费0.38万元", "“三公”经费和机关运行经费预算表"),
    (22, 9, "机关运行经费预算为217.83万元", "机关运行经费预算为271.83万元", "“三公”经费和机关运行经费预算表"),
)
CLASS_BUDGET = "budget/2018_js-rdcwhbgt_budget.pdf"
CLASS_PLANTS = (
    (20, 11, "社会保障和就业（类）支出 1068.78 万元", "社会保障和就业（类）支出 1086.78 万元", "一般公共预算支出预算表"),
)
FINAL_PLANTS = (
    (21, 11, "基本支出 2336.91 万元", "基本支出 2363.91 万元", "支出决算表"),
    (23, 2, "一般公共预算财政拨款基本支出 2336.91 万元", "一般公共预算财政拨款基本支出 2336.19 万元",
     "一般公共预算财政拨款支出决算表"),
    (23, 5, "公用经费 184.65 万元", "公用经费 148.65 万元", "一般公共预算财政拨款基本支出决算表"),
)


@pytest.fixture(scope="module")
def budget():
    return review_with_changed_lines(shared_file(BUDGET), BUDGET_PLANTS)


@pytest.fixture(scope="module")
def class_budget():
    return review_with_changed_lines(shared_file(CLASS_BUDGET), CLASS_PLANTS)


@pytest.fixture(scope="module")
def final():
    return review_with_changed_lines(SHANGHAI_PDF, FINAL_PLANTS)


def _assert_found(review, plants, real):
    found = {(f.rule, f.page, f.line) for f in review.findings}
    assert found == {("narrative_vs_table", page, line) for page, line, *_ in plants} | real
    expected = {(f.page, f.line): f.expected for f in review.findings if f.rule == "narrative_vs_table"}
    for page, line, _, plant, table in plants:
        assert table in expected[(page, line)]
        assert f"说明中为 {re.findall(r'[0-9][0-9,.]*', plant)[-1]}万元" in expected[(page, line)]


def test_planted_budget_amounts_are_found_with_their_table(budget):
    _assert_found(budget, BUDGET_PLANTS, golden_of(BUDGET))


def test_a_planted_class_amount_is_found_with_its_table(class_budget):
    """A 类's amount in a Jiangsu budget (社会保障和就业（类）支出) against the 类 lines of its tables."""
    _assert_found(class_budget, CLASS_PLANTS, golden_of(CLASS_BUDGET))


def test_planted_final_amounts_are_found_with_their_table(final):
    _assert_found(final, FINAL_PLANTS, golden_of(SHANGHAI_PDF))


def test_the_finding_names_the_table_page(budget):
    expected = next(f.expected for f in budget.findings if (f.page, f.line) == (22, 9))
    assert "（第21页）" in expected and "217.83万元" in expected and "271.83万元" in expected


def test_procurement_kinds_that_do_not_add_up_to_the_total(budget):
    """The same budget with its 政府采购预算 total changed (page 22): 3.66 + 36.44 + 1446.32 ≠ 1468.42."""
    review = review_with_changed_lines(shared_file(BUDGET), [(22, 11, "政府采购预算1486.42万元", "政府采购预算1468.42万元")])
    assert {(f.rule, f.page, f.line) for f in review.findings} == golden_of(BUDGET) | {("parts_sum", 22, 11)}
    assert next(f.expected for f in review.findings if f.rule == "parts_sum") \
        == "货物 3.66 + 工程 36.44 + 服务 1446.32 = 1,486.42万元，而总额为 1468.42万元"


def test_a_planted_coded_item_amount_is_found_with_its_table():
    """The Xi'an petitions bureau's budget (tables in 元): 行政运行（2014001）1,373.32 万元 planted 1,337.32 (page 9)
    against the 2014001 row of its 一般公共预算支出明细表."""
    path = shared_file("budget/2026_xian-xfj_budget.pdf")
    plants = ((9, 5, "行政运行（2014001）1,373.32万元", "行政运行（2014001）1,337.32万元", "一般公共预算支出明细表"),)
    _assert_found(review_with_changed_lines(path, plants), plants, golden_of(path))
