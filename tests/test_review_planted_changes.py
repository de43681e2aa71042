"""Two years' amounts and the change between them (2025年执行数为 A 万元，2026年预算安排 B 万元，比2025年执行数增加
P%), a change compared with the report's own year and a misspelt department name, on real reports with defects planted in their text lines after
reading: a Putuo budget of ../shared/corpus (its 项目经费 items) and the Putuo final of raw/. Each plant is found on
the line of its word or percentage; the report's own findings (its golden) stay found, and nothing else is."""

from __future__ import annotations

from conftest import SHANGHAI_PDF, shared_file
from review_planting import golden_of, review_with_changed_lines

BUDGET = "budget/2026_shpt-sfj_budget.pdf"
# (rule, page, line, printed text, planted text)
BUDGET_PLANTS = (
    ("stated_percentage", 8, 10, "执行数减少1.07%", "执行数减少3.07%"),
    ("comparison_word", 8, 12, "执行数增加0.97%", "执行数减少0.97%"),
)
FINAL_PLANTS = (
    ("year_mismatch", 21, 4, "与 2023 年度相比", "与 2024 年度相比"),
)


def _planted(path, plants: tuple):
    """The review with each plant (rule, page, line, printed text, planted text) made."""
    return review_with_changed_lines(path, [plant[1:] for plant in plants])


def test_a_wrong_change_between_two_printed_years_is_found():
    review = _planted(shared_file(BUDGET), BUDGET_PLANTS)
    found = {(f.rule, f.page, f.line) for f in review.findings}
    assert found == golden_of(BUDGET) | {(rule, page, line) for rule, page, line, _, _ in BUDGET_PLANTS}
    expected = {(f.rule, f.page, f.line): f.expected for f in review.findings}
    assert expected[("stated_percentage", 8, 10)] == "|1672.67 − 1690.69| ÷ 1690.69 = 1.07%"
    assert expected[("comparison_word", 8, 12)] == "2170.39 比 2149.45 增加，而非“减少”"


def test_a_change_compared_with_the_report_year_is_found():
    review = _planted(SHANGHAI_PDF, FINAL_PLANTS)
    found = {(f.rule, f.page, f.line) for f in review.findings}
    assert found == golden_of(SHANGHAI_PDF) | {("year_mismatch", 21, 4)}
    assert next(f.expected for f in review.findings if f.rule == "year_mismatch") == "应与2023年（上年）相比，而非2024年"


def test_a_misspelt_department_name_in_the_text_is_found():
    """上海市普陀区财政局 printed 财务局 before the year in a sentence of the narrative (page 21 line 4)."""
    review = _planted(SHANGHAI_PDF, (("department_mismatch", 21, 4, "上海市普陀区财政局 2024", "上海市普陀区财务局 2024"),))
    found = {(f.rule, f.page, f.line) for f in review.findings}
    assert found == golden_of(SHANGHAI_PDF) | {("department_mismatch", 21, 4)}
    assert next(f.expected for f in review.findings if f.rule == "department_mismatch") \
        == "“上海市普陀区财务局”应为“上海市普陀区财政局”（与报告其他各处一致）"


def test_a_change_of_a_total_named_before_the_comparison_is_recomputed():
    """Changsha's 收入较去年增加54.13万元，上升2.88% (page 6): the 收入 is the 收入预算 1935.36 万元 stated before it
    (not 事业收入 0.00 万元); planted 3.88% is found."""
    path = shared_file("budget/2026_changsha-xfj_budget.pdf")
    review = _planted(path, (("stated_percentage", 6, 3, "上升 2.88%", "上升 3.88%"),))
    found = {(f.rule, f.page, f.line) for f in review.findings}
    assert found == golden_of(path) | {("stated_percentage", 6, 3)}
    assert next(f.expected for f in review.findings if f.rule == "stated_percentage") == "54.13 ÷ 1881.23（上年数）= 2.88%"


def test_an_amount_compared_with_its_own_year_is_found():
    """The Putuo final's 2024 年度收入支出总计 … 与 2023 年度相比 with its own year made 2023 (page 21 line 4)."""
    review = _planted(SHANGHAI_PDF, (("year_mismatch", 21, 4, "上海市普陀区财政局 2024 年度收入支出总计", "上海市普陀区财政局 2023 年度收入支出总计"),))
    found = {(f.rule, f.page, f.line) for f in review.findings}
    assert ("year_mismatch", 21, 4) in found
    assert found <= golden_of(SHANGHAI_PDF) | {("year_mismatch", 21, 4), ("narrative_vs_table", 21, 4)}
