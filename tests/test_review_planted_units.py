"""Amounts and rates printed without their unit (number_without_unit) on the real Putuo final (raw/, PDF), planted in
its text lines after reading: an amount without 万元, an amount in 万 without 元, a completion rate without %. Each is
found on its line with what it should read; the report's one real defect stays found, and nothing else is."""

from __future__ import annotations

import pytest

from conftest import SHANGHAI_PDF
from review_planting import review_with_changed_lines

# (page, line, printed text, planted text, what the finding says it should read)
PLANTS = (
    (21, 8, "财政拨款收入 2940.05 万元，", "财政拨款收入 2940.05 万，", "2940.05万元"),
    (21, 11, "基本支出 2336.91 万元，", "基本支出 2336.91，", "2336.91万元（或元）"),
    (23, 12, "完成预算的 0%；", "完成预算的 0；", "0%"),
)
REAL = {("narrative_vs_table", 21, 14)}


@pytest.fixture(scope="module")
def planted():
    return review_with_changed_lines(SHANGHAI_PDF, PLANTS)


def test_each_amount_without_its_unit_is_found_on_its_line(planted):
    found = {(f.rule, f.page, f.line) for f in planted.findings}
    assert found == {("number_without_unit", page, line) for page, line, *_ in PLANTS} | REAL


def test_the_finding_says_what_the_number_should_read(planted):
    expected = {(f.page, f.line): f.expected for f in planted.findings if f.rule == "number_without_unit"}
    assert expected == {(page, line): reads for page, line, _, _, reads in PLANTS}
