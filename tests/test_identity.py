"""Report identity (department, fiscal year, kind) on every real final and budget in ../shared/corpus, and the blank
template (样张) of ../shared/reference recognised as not a report.

Expected values were read from each file's cover page (rendered), not from the parser. The department is the name
without the scope printed after it (（汇总） all units, （本级） the department's own unit). Only the first pages are
read to keep the test fast: a report's identity is on its cover, its table headings and its first sections.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gongkai.extract.identity import read_identity, read_title
from gongkai.extract.parser import ParseError, parse_document
from gongkai.extract.pdf_document import read_pdf_document
from gongkai.extract.records import Line

CORPUS = Path("/work/shared/corpus")
REFERENCE = Path("/work/shared/reference")
PAGES = 14

EXPECTED = {
    "final/2019_foshan-gdjtj_final.pdf": ("佛山市轨道交通局", 2019, "final"),
    "final/2022_xian-wjw_final.pdf": ("西安市卫生健康委员会", 2022, "final"),
    "final/2023_moe-swu_final.pdf": ("西南大学", 2023, "final"),
    "final/2024_shpt-czj_final.pdf": ("上海市普陀区财政局", 2024, "final"),
    "budget/2017_js-jcy_budget.pdf": ("江苏省人民检察院", 2017, "budget"),
    "budget/2017_js-rdcwhbgt_budget.pdf": ("江苏省人大常委会办公厅", 2017, "budget"),
    "budget/2018_js-jcy_budget.pdf": ("江苏省人民检察院", 2018, "budget"),
    "budget/2018_js-rdcwhbgt_budget.pdf": ("江苏省人大常委会办公厅", 2018, "budget"),
    "budget/2019_js-jcy_budget.pdf": ("江苏省人民检察院", 2019, "budget"),
    "budget/2019_js-rdcwhbgt_budget-tables.pdf": ("江苏省人大常委会办公厅", 2019, "budget"),
    "budget/2019_js-rdcwhbgt_budget.pdf": ("江苏省人大常委会办公厅", 2019, "budget"),
    "budget/2023_moe-swu_budget.pdf": ("西南大学", 2023, "budget"),
    "budget/2024_shpt-wanlijd_budget.pdf": ("上海市普陀区人民政府万里街道办事处", 2024, "budget"),
    "budget/2025_sh-czj_unit-budget.pdf": ("上海市财政局", 2025, "budget"),
    "budget/2025_shpt-wanlijd_budget.pdf": ("上海市普陀区人民政府万里街道办事处", 2025, "budget"),
    "budget/2026_bj-sjj_budget.pdf": ("北京市审计局", 2026, "budget"),
    "budget/2026_changsha-xfj_budget.pdf": ("长沙市信访局", 2026, "budget"),
    "budget/2026_cq-qxj_budget.pdf": ("重庆市气象局", 2026, "budget"),
    "budget/2026_fuzhou-swj_budget.pdf": ("福州市商务局", 2026, "budget"),
    "budget/2026_gz-tjj_budget.pdf": ("广州市统计局", 2026, "budget"),
    "budget/2026_hangzhou-qxj_budget.pdf": ("杭州市气象局", 2026, "budget"),
    "budget/2026_shpt-sfj_budget.pdf": ("上海市普陀区司法局", 2026, "budget"),
    "budget/2026_shpt-sfj_unit-budget.pdf": ("上海市普陀区司法局", 2026, "budget"),
    "budget/2026_sz-czj_budget.pdf": ("深圳市财政局", 2026, "budget"),
    "budget/2026_xian-xfj_budget.pdf": ("西安市信访局", 2026, "budget"),
    "budget/2026_yantai-dsjj_budget.pdf": ("烟台市大数据局", 2026, "budget"),
}
TEMPLATE = REFERENCE / "2024_shanghai-district_final-template_XXju.pdf"


def test_every_corpus_report_is_listed():
    if not CORPUS.exists():
        pytest.skip("../shared/corpus is not available")
    on_disk = {f"{p.parent.name}/{p.name}" for p in CORPUS.glob("*/*.pdf")}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_identity_of_every_real_report(name):
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"{name} is not available (../shared/corpus)")
    identity = read_identity(read_pdf_document(path, max_pages=PAGES).lines)
    assert (identity.department, identity.fiscal_year, identity.kind) == EXPECTED[name]
    assert not identity.is_template


def test_blank_template_is_not_a_report():
    if not TEMPLATE.exists():
        pytest.skip("the blank template (../shared/reference) is not available")
    document = read_pdf_document(TEMPLATE, max_pages=PAGES)
    identity = read_identity(document.lines)
    assert identity.is_template and identity.fiscal_year == 2024 and identity.kind == "final"
    with pytest.raises(ParseError) as error:
        parse_document(document)
    assert error.value.kind == "not_a_report" and "样张" in str(error.value)


def test_blank_template_of_a_named_department_is_not_a_report():
    """The same template with its placeholder filled in (上海市XX局 → 上海市规划局): its nine tables print no amount and
    its text states no figure, so it is still no report (before: read as 上海市规划局's 2024 final, nine empty
    tables)."""
    if not TEMPLATE.exists():
        pytest.skip("the blank template (../shared/reference) is not available")
    document = read_pdf_document(TEMPLATE, max_pages=PAGES)
    for line in document.lines:
        line.text = line.text.replace("XX", "规划").replace("ＸＸ", "规划")
    identity = read_identity(document.lines)
    assert not identity.is_template and identity.department == "上海市规划局"
    with pytest.raises(ParseError) as error:
        parse_document(document)
    assert error.value.kind == "not_a_report" and "none of its 9 tables prints an amount" in str(error.value)


def _lines(*texts: str, page: int = 1) -> list[Line]:
    return [Line(text, page, n) for n, text in enumerate(texts, start=1)]


@pytest.mark.parametrize("cover, expected", [
    (("2019 年佛山市轨道交通局部门决算", "1"), ("佛山市轨道交通局", 2019, "决算")),
    (("上海市2025年市级单位预算", "预算单位：上海市财政局"), ("上海市财政局", 2025, "预算")),
    (("2026年度", "福州市商务局", "部门预算"), ("福州市商务局", 2026, "预算")),
    (("2026", "第一部分 2026 年度部门预算情况说明"), (None, 2026, "预算")),
])
def test_title_shapes(cover, expected):
    title = read_title(_lines(*cover))
    assert (title.department, title.year, title.kind) == expected


def test_title_year_beats_the_years_the_text_compares_with():
    """'2019 年新成立单位，无 2018 年决算数' many times over does not make the report a 2018 one."""
    lines = _lines("2019 年某市交通局部门决算") + _lines(*["无 2018 年决算数。"] * 30, page=3)
    assert read_identity(lines).fiscal_year == 2019
