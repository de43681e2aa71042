"""The disclosure review on the real Putuo final (raw/, PDF) with defects planted in its text lines after reading:
each planted defect is found on its line, the report's one real defect (page 21 line 14) stays found, and nothing
else is. The lines are changed in memory and the report parsed again from them, so a changed narrative amount meets
the tables read from the page."""

from __future__ import annotations

import pytest

from conftest import SHANGHAI_PDF
from review_planting import review_with_changed_lines

# (rule, page, line, printed text, planted text)
PLANTS = (
    ("comparison_word", 21, 5, "减少 56.95 万元，下降 1.87%", "减少 56.95 万元，增长 1.87%"),
    ("narrative_vs_table", 21, 8, "本年收入合计 2946.25 万元", "本年收入合计 2956.25 万元"),
    ("comparison_word", 21, 30, "决算数小于预算数", "决算数大于预算数"),
    ("doubled_punctuation", 22, 6, "决算数与预算数基本持平。", "决算数与预算数基本持平。。"),
    ("placeholder", 23, 25, "本部门制定了", "本部门制定了 XX "),
    ("stated_percentage", 24, 1, "增长 1.40%", "增长 2.40%"),
    ("year_mismatch", 21, 1, "2024 年度部门决算情况", "2023 年度部门决算情况"),
    ("department_mismatch", 6, 1, "上海市普陀区财政局", "上海市普陀区财务局"),
    ("template_instruction", 24, 2, "导致相关支出略有增加。", "导致相关支出略有增加。（如持平作持平表述）"),
)
REAL = {("narrative_vs_table", 21, 14)}


@pytest.fixture(scope="module")
def planted():
    return review_with_changed_lines(SHANGHAI_PDF, [plant[1:] for plant in PLANTS])


def test_each_planted_defect_is_found_on_its_line_and_nothing_else(planted):
    found = {(f.rule, f.page, f.line) for f in planted.findings}
    assert found == {(rule, page, line) for rule, page, line, _, _ in PLANTS} | REAL


def test_the_planted_comparison_names_the_right_word(planted):
    expected = {(f.page, f.line): f.expected for f in planted.findings if f.rule == "comparison_word"}
    assert "决算数小于预算数" in expected[(21, 30)]
    assert "减少" in expected[(21, 5)] and "增长" in expected[(21, 5)]


def test_a_comparison_word_far_from_its_pair_is_judged():
    """Page 23: “三公”经费 … 年初预算为 0.95 万元，支出决算为 0.00 万元 … 其中：… (three items, each its own clause)。
    2024 年度“三公”经费支出决算数小于预算数 — planted 大于: the pair four clauses back that names the same subject."""
    review = review_with_changed_lines(SHANGHAI_PDF, [(23, 13, "决算数小于预算数", "决算数大于预算数")])
    assert {(f.rule, f.page, f.line) for f in review.findings} == REAL | {("comparison_word", 23, 13)}
    assert "决算数小于预算数" in next(f.expected for f in review.findings if f.rule == "comparison_word")
