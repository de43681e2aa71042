"""The disclosure review on a copy of the real Liaoning final (raw/) with defects planted in a temporary file: each
planted defect is found on its own line, and nothing else is (the untouched report's one real defect, page 11's
89% for 47.61 of 68 万元, stays found)."""

from __future__ import annotations

import pytest

from conftest import SEED
from gongkai.review.review import review_file

# (rule, original text, planted text): each original occurs once in the seed
PLANTS = (
    ("comparison_word", "完成年初预算的 131.33%，决算数大于年", "完成年初预算的 131.33%，决算数小于年"),
    ("placeholder", "机构改革前不满足上缴条件的结余资金等收入。", "机构改革前不满足上缴条件的XX等收入。"),
    ("doubled_punctuation", "个别项目资金不满足支付条件。", "个别项目资金不满足支付条件。。"),
    ("year_mismatch", "第二部分 2024 年度部门决算情况说明", "第二部分 2023 年度部门决算情况说明"),
    ("narrative_vs_table", "行政运行（项）1,744.54 万元", "行政运行（项）1,754.54 万元"),
    ("template_alternative", "今年结转结余减少 78.91万元", "今年结转结余减少（增加） 78.91万元"),
    ("repeated_word", "主要是离退休人员经费等支", "主要是离退休人员人员经费等支"),
    ("number_without_unit", "占收入总计的 0.04%。", "占收入总计的 0.04。"),
    ("stated_percentage", "支出减少 2,691.32万元，下降 32.79%", "支出减少 2,691.32万元，下降 23.79%"),
)
REAL = {("stated_percentage", 11, 508)}


def _line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if needle in line)


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    text = SEED.read_text(encoding="utf-8")
    expected = set()
    for rule, original, plant in PLANTS:
        assert text.count(original) == 1, original
        line = _line_of(text, original)
        text = text.replace(original, plant)
        expected.add((rule, line))
    path = tmp_path_factory.mktemp("planted") / "planted_final.txt"
    path.write_text(text, encoding="utf-8")
    return review_file(path), expected


def test_untouched_seed_has_only_its_real_defect():
    review = review_file(SEED)
    assert {(f.rule, f.page, f.line) for f in review.findings} == REAL


def test_each_planted_defect_is_found_on_its_line_and_nothing_else(planted):
    review, expected = planted
    found = {(f.rule, f.line) for f in review.findings}
    assert found == expected | {(rule, line) for rule, _, line in REAL}


def test_findings_quote_the_planted_text(planted):
    review, _ = planted
    quotes = {f.rule: f.quote for f in review.findings}
    assert "决算数小于年" in quotes["comparison_word"]
    assert "XX" in quotes["placeholder"]
    assert "。。" in quotes["doubled_punctuation"]
    assert "2023" in quotes["year_mismatch"]
    assert "1,754.54" in quotes["narrative_vs_table"] or "1754.54" in quotes["narrative_vs_table"]


def test_review_command_prints_the_sheet_and_writes_xlsx(tmp_path, capsys):
    from openpyxl import load_workbook

    from gongkai.cli import main

    out = tmp_path / "review.xlsx"
    assert main(["review", str(SEED), "--xlsx", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "辽宁省数据局 2024年度 部门决算，1 条审核意见" in printed
    assert "所列百分比无法由所列金额算出" in printed and "508" in printed
    sheet = load_workbook(out).worksheets[0]
    assert [c.value for c in sheet[2]] == ["序号", "页码", "行", "级别", "审核规则", "原文", "应为"]
    assert [c.value for c in sheet[3]][:5] == [1, 11, 508, "警告", "所列百分比无法由所列金额算出"]


def test_a_missing_part_is_found(tmp_path):
    """The 名词解释 part renamed away: the final lacks one of its required parts (no page: it is nowhere)."""
    text = SEED.read_text(encoding="utf-8")
    assert text.count(" 第三部分 名词解释") == 1
    path = tmp_path / "no_glossary.txt"
    path.write_text(text.replace(" 第三部分 名词解释", " 第三部分 附注"), encoding="utf-8")
    found = {(f.rule, f.page, f.line, f.expected) for f in review_file(path).findings}
    assert found == {("part_missing", None, None, "应有“名词解释”部分")} | {
        (f.rule, f.page, f.line, f.expected) for f in review_file(SEED).findings}
