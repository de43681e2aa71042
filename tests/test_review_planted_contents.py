"""Contents against body (both ways), a final's 预算绩效 part and a budget's parts, on real reports with defects planted
in their text lines after reading: the Putuo final of raw/ and a Putuo budget of ../shared/corpus. Each plant is
found where it was made (or, for a part the report lacks, as a finding without a page), the report's own findings
(its golden) stay found, and nothing else is."""

from __future__ import annotations

import pytest

from conftest import SHANGHAI_PDF, shared_file
from review_planting import golden_of, review_with_changed_lines

BUDGET = "budget/2026_shpt-sfj_budget.pdf"


def _review_with(path, plants: dict[tuple[int, int], tuple[str, str]]):
    return review_with_changed_lines(path, [(page, line, *change) for (page, line), change in plants.items()])


def _found(review) -> set[tuple]:
    return {(f.rule, f.page, f.line) for f in review.findings}


REAL_FINAL = golden_of(SHANGHAI_PDF)


def test_a_table_left_out_of_the_contents_is_found_at_the_table():
    """The contents' 七、财政拨款“三公”经费支出决算表 deleted: the table on page 18 is not listed."""
    review = _review_with(SHANGHAI_PDF, {(2, 12): ("七、财政拨款“三公”经费支出决算表", "")})
    assert _found(review) == REAL_FINAL | {("contents_mismatch", 18, 1)}
    finding = next(f for f in review.findings if f.rule == "contents_mismatch")
    assert finding.expected == "正文表格未列入目录" and "三公" in finding.quote


def test_a_contents_entry_the_body_does_not_print_is_found_on_the_contents_page():
    """The contents names a 政府采购 table the body does not print (and so leaves the 政府性基金 table unlisted)."""
    review = _review_with(SHANGHAI_PDF, {(2, 13): ("八、政府性基金预算财政拨款收入支出决算表", "八、政府采购支出决算表")})
    assert _found(review) == REAL_FINAL | {("contents_mismatch", 2, 13), ("contents_mismatch", 19, 1)}


def test_a_missing_performance_part_is_found():
    """十、预算绩效管理情况 renamed in the body and in the contents: the final has no 预算绩效 part."""
    review = _review_with(SHANGHAI_PDF, {(3, 2): ("十、预算绩效管理情况", "十、其他管理情况"),
                                         (23, 24): ("十、预算绩效管理情况", "十、其他管理情况")})
    assert _found(review) == REAL_FINAL | {("part_missing", None, None)}
    assert "预算绩效" in next(f.expected for f in review.findings if f.rule == "part_missing")


def test_a_part_renamed_in_the_body_is_found_against_its_contents_entry():
    """The body's 第四部分名词解释 headed 第四部分附录: the contents entry (page 3) is not printed, and there is no
    名词解释 part."""
    review = _review_with(SHANGHAI_PDF, {(25, 1): ("第四部分名词解释", "第四部分附录")})
    assert _found(review) == REAL_FINAL | {("contents_mismatch", 3, 4), ("part_missing", None, None)}


@pytest.fixture(scope="module")
def budget_path():
    return shared_file(BUDGET)


def test_a_budget_without_its_glossary(budget_path):
    """The Putuo justice bureau's budget with its 名词解释 heading (page 7) and contents entry dropped."""
    review = _review_with(budget_path, {(7, 1): ("名词解释", "附注"), (2, 4): ("三、名词解释", "三、附注")})
    assert _found(review) == golden_of(BUDGET) | {("part_missing", None, None)}
    assert next(f.expected for f in review.findings if f.rule == "part_missing") == "应有“名词解释”部分"


def test_a_budget_contents_entry_missing_from_the_body(budget_path):
    """The budget's 2026年部门预算编制说明 (page 8) headed otherwise: its contents entry 四、部门预算编制说明 is not
    printed, and the budget has no 预算情况说明 part."""
    review = _review_with(budget_path, {(8, 1): ("2026年部门预算编制说明", "2026年部门工作安排")})
    assert _found(review) == golden_of(BUDGET) | {("contents_mismatch", 2, 5), ("part_missing", None, None)}
