"""Table titles as other departments print them: the seed (辽宁 公开01表…, a text dump) and the Shanghai final (一、…九、,
a PDF) with every title re-printed one way real reports print theirs — the year or the department and the year
before the title (2023年度收入支出决算总表), 部门 before it, the label after it in brackets (…总表（公开01表）), a
note after it (（按经济分类科目）, （汇总）), 附表5 / （五） / 表5. labels, 三公 in single quotes, 收支 for 收入支出, the
fund tables without 财政拨款; and a title repeated over a table's next page marked (续表). Every table must read cell
for cell as the report printed as it is; so must 深圳's budget (PDF) with its titles re-printed."""

from __future__ import annotations

import re

import pytest

from gongkai.extract.budget_families import BUDGET_TABLES
from gongkai.extract.document import read_document
from gongkai.extract.families import FINAL_TABLES
from gongkai.extract.parser import parse_document, parse_file
from gongkai.extract.records import Report, Word
from tests.conftest import SEED, SHANGHAI_PDF, shared_file

CN = "一二三四五六七八九"
NOTES = {  # the classification a coded table is printed by
    "收入决算表": "（按功能分类科目）", "支出决算表": "（按功能分类科目）",
    "一般公共预算财政拨款支出决算表": "（按功能分类科目）", "一般公共预算财政拨款基本支出决算表": "（按经济分类科目）",
    "政府性基金预算财政拨款收入支出决算表": "（按功能分类科目）", "国有资本经营预算财政拨款收入支出决算表": "（按功能分类科目）",
}
RENAMED = {  # titles some sets word otherwise
    "财政拨款收入支出决算总表": "财政拨款收支决算总表",
    "财政拨款“三公”经费支出决算表": "财政拨款‘三公’经费、会议费、培训费支出决算表",
    "政府性基金预算财政拨款收入支出决算表": "政府性基金预算支出决算表",
    "国有资本经营预算财政拨款收入支出决算表": "国有资本经营预算支出决算表",
    "国有资本经营预算财政拨款支出决算表": "国有资本经营预算支出决算表",
}
VARIANTS = {  # (title, number) → the title line as printed
    "year": lambda title, n: f"2024年度{title}",
    "typo_year": lambda title, n: f"202 年度{title}",
    "department_year": lambda title, n: f"辽宁省数据局2024年{title}",
    "label_after": lambda title, n: f"{title}（公开{n:02d}表）",
    "classification_note": lambda title, n: title + NOTES.get(title, ""),
    "appendix_label": lambda title, n: f"附表{n} {title}",
    "bracketed_ordinal": lambda title, n: f"（{CN[n - 1]}）{title}",
    "label_with_dot": lambda title, n: f"表{n}. {title}",
    "renamed": lambda title, n: RENAMED.get(title, title),
    "long_department_year": lambda title, n: f"中共上海市普陀区委网络安全和信息化委员会办公室2024年度{title}",
    "department_scope": lambda title, n: f"上海市普陀区财政局（本级）{title}",
    "department_word": lambda title, n: f"部门{title}",
    "scope_note": lambda title, n: f"{title}（汇总）",
    "chinese_public_label": lambda title, n: f"公开表{CN[n - 1]} {title}",
    "chinese_label_run_in": lambda title, n: f"表{CN[n - 1]}{title}",
    "year_suffix_dash": lambda title, n: f"{title}-2023年度",
    "year_suffix_bracket": lambda title, n: f"{title}（2023年度）",
    "year_and_column_note": lambda title, n: f"2023年度{title}（决算数）",
    "sub_label": lambda title, n: f"表{n}-1{title}",
    "sub_label_spaced": lambda title, n: f"表 {n}-1 {title}",
    "appendix_sub_label": lambda title, n: f"附表{n}-1 {title}",
    "public_sub_label": lambda title, n: f"公开{n:02d}-1表 {title}",
    "sub_label_after": lambda title, n: f"{title} 表{n}-1",
    "public_sub_label_after": lambda title, n: f"{title}（公开{n:02d}-1表）",
}
PART_LABELS = {"sub_label": "表{n}-1", "sub_label_spaced": "表{n}-1", "appendix_sub_label": "附表{n}-1",
               "sub_label_after": "表{n}-1", "public_sub_label": "公开{n:02d}-1表",
               "public_sub_label_after": "公开{n:02d}-1表"}
_SEED_TITLE = re.compile(r"^ ?(\S+表)\n公开 (\d\d)表$", re.M)
_SHANGHAI_TITLE = re.compile(r"^(?:[一二三四五六七八九]、)?(\S+表)$")


def _cells(report: Report) -> dict[str, list[tuple]]:
    return {t.family: [(r.code, r.label, r.item, r.side, tuple((c.column, c.value) for c in r.cells)) for r in t.rows]
            for t in report.tables}


@pytest.fixture(scope="module")
def seed() -> Report:
    return parse_file(SEED)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_seed_titles(tmp_path, seed, variant):
    text = SEED.read_text(encoding="utf-8")
    printed = _SEED_TITLE.sub(lambda m: VARIANTS[variant](m.group(1), int(m.group(2))), text)
    assert len(_SEED_TITLE.findall(text)) == 9 and printed != text
    path = tmp_path / "seed.txt"
    path.write_text(printed, encoding="utf-8")
    report = parse_file(path)
    assert [t.family for t in report.tables] == [t.family for t in seed.tables]
    assert _cells(report) == _cells(seed)
    if variant in PART_LABELS:  # the label read whole: 表1-1, not 表1
        assert [t.label for t in report.tables] == [PART_LABELS[variant].format(n=n) for n in range(1, 10)]
    row = report.table("expenditure").row(code="2101101")
    assert (row.value("total"), row.value("basic"), row.value("project")) == (84.11, 76.53, 7.58)
    assert not [i for i in report.issues if i.kind == "table_missing"]


@pytest.fixture(scope="module")
def shanghai() -> Report:
    return parse_file(SHANGHAI_PDF)


def _retitled_shanghai(variant: str) -> Report:
    """The Shanghai final as read from its PDF, each table's title line (on its page, not in the contents)
    re-printed."""
    document = read_document(SHANGHAI_PDF)
    number = 0
    for geo in document.geometry:
        for line in geo.lines[:3]:
            found = _SHANGHAI_TITLE.match(line.text)
            if found and geo.page > 2:  # page 2 is the contents
                number += 1
                line.text = VARIANTS[variant](found.group(1), number)
                line.words = (Word(line.text, line.words[0].x0, line.words[-1].x1),)
    assert number == 9
    return parse_document(document)


@pytest.mark.parametrize("variant", ["year", "department_year", "label_after", "classification_note",
                                     "bracketed_ordinal", "renamed", "department_word", "scope_note",
                                     "long_department_year", "department_scope", "year_suffix_dash",
                                     "sub_label_spaced", "sub_label_after", "public_sub_label"])
def test_shanghai_pdf_titles(shanghai, variant):
    report = _retitled_shanghai(variant)
    assert [t.family for t in report.tables] == [t.family for t in shanghai.tables]
    assert _cells(report) == _cells(shanghai)
    total = report.table("three_public").row(item="total")
    assert (total.value("budget"), total.value("actual")) == (0.95, None)  # p. 18: 合计 预算数 0.95, 决算数 blank


def _continued(path, mark: str) -> Report:
    """The report as read from its PDF, each title repeated at the top of a later page (the table's next page)
    marked as continued."""
    document = read_document(path)
    seen, marked = set(), 0
    for geo in document.geometry[3:]:  # past the contents
        for line in geo.lines[:4]:
            family = FINAL_TABLES.match(line.text) or BUDGET_TABLES.match(line.text)
            if family is not None and family.key in seen:
                line.text += mark
                *words, last = line.words
                line.words = (*words, Word(last.text + mark, last.x0, last.x1))
                marked += 1
            elif family is not None:
                seen.add(family.key)
    assert marked > 5
    return parse_document(document)


@pytest.mark.parametrize("name,mark", [("final/2019_foshan-gdjtj_final.pdf", "（续表）"),
                                       ("final/2019_foshan-gdjtj_final.pdf", "（续）"),
                                       ("final/2019_foshan-gdjtj_final.pdf", "续表"),
                                       ("budget/2026_sz-czj_budget.pdf", "（续表）")])
def test_continued_titles(name, mark):
    """佛山 repeats each table's label, title and header on its next page (表2 收入决算表, p. 8–9), 深圳 its title:
    marked (续表), the next page still continues the table (before, its rows were lost without an issue)."""
    path = shared_file(name)
    printed = parse_file(path)
    report = _continued(path, mark)
    assert _cells(report) == _cells(printed)
    if "foshan" in name:  # p. 9: 2210201 住房公积金 60.87, all of it 财政拨款
        row = report.table("income").row(code="2210201")
        assert (row.value("total"), row.value("fiscal_appropriation")) == (60.87, 60.87)


@pytest.mark.parametrize("variant", ["year_suffix_dash", "sub_label_spaced", "sub_label_after"])
def test_budget_pdf_titles(variant):
    """深圳's budget (PDF) with each table's title line on its page re-printed: the budget tables read as printed."""
    path = shared_file("budget/2026_sz-czj_budget.pdf")
    printed = parse_file(path)
    document = read_document(path)
    number = 0
    for geo in document.geometry[3:]:  # past the contents
        for line in geo.lines[:4]:
            family = BUDGET_TABLES.match(line.text)
            if family is not None:
                number += 1
                line.text = VARIANTS[variant](family.title, number)
                line.words = (Word(line.text, line.words[0].x0, line.words[-1].x1),)
    assert number >= 8
    report = parse_document(document)
    assert [t.family for t in report.tables] == [t.family for t in printed.tables]
    assert _cells(report) == _cells(printed)
