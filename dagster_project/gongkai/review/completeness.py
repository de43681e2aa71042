"""Completeness (完整性): the parts a report must have — a final's 概况, 情况说明 and 名词解释 (and, from the 2020s
national set on, its 预算绩效 part), a budget's 部门概况, 预算情况说明 and 名词解释 and its tables — the standard tables
of a final present, and an empty table carrying its "no data" statement (本表无数据, 本部门不涉及 … 故本表为空表) rather
than left blank. The contents page against the body is :mod:`gongkai.review.contents`.

A part is present when a heading after the contents names it (a heading: a short line that is no sentence); a table
when its title is printed anywhere after the contents, whether or not its cells could be read. A university's final
has its own set of parts and tables and is not judged on them.
"""

from __future__ import annotations

import re

from gongkai.extract.budget_families import BUDGET_TABLES
from gongkai.extract.families import FINAL_TABLES, FamilySet
from gongkai.extract.narrative_text import compact_line
from gongkai.extract.records import Line, Report, Table
from gongkai.review.contents import outside_lists_of_tables, split_at_contents, without_tail
from gongkai.review.findings import WARNING, Finding

REQUIRED_PARTS = (
    ("概况", re.compile(r"概况|主要职能|主要职责|基本情况")),
    ("情况说明", re.compile(r"情况说明|报表说明|决算说明")),
    ("名词解释", re.compile(r"名词解释")),
)
BUDGET_PARTS = (
    ("部门概况（主要职能）", re.compile(r"概况|主要职能|主要职责|基本情况|部门情况")),
    ("预算情况说明（编制说明）", re.compile(r"^(?!.*(?:三公|采购|绩效|资产|机关运行)).*(?:预算|收支).{0,12}(?:说明|情况)")),
    ("名词解释", re.compile(r"名词解释|名词说明|术语解释")),
)
# 预算绩效 (绩效自评 / 绩效评价 of the year's projects) is a part of a final of the 2020s national set (DOMAIN.md).
PERFORMANCE_PART = ("预算绩效情况（绩效自评、绩效评价）", re.compile(r"绩效.{0,8}(?:情况|评价|自评|管理|结果)|绩效自评表"))
PERFORMANCE_FROM = 2020
_NARRATIVE_LINES = 20  # sentences a report with a narrative prints at least (a file of tables only prints none)
_SENTENCE = re.compile("[，。；]")
_IN_SENTENCE = re.compile("[，。；,]")
_LABEL_BEFORE_COLON = 6
_TABLES_ELSEWHERE = re.compile(r"附后|另行公开|另附|见附件|附件[：:]")
# The national set's tables a final must print (国有资本经营 only where the department has such money).
REQUIRED_TABLES = {
    "income_expenditure_summary": "收入支出决算总表",
    "income": "收入决算表",
    "expenditure": "支出决算表",
    "appropriation_summary": "财政拨款收入支出决算总表",
    "general_budget_expenditure": "一般公共预算财政拨款支出决算表",
    "general_budget_basic_expenditure": "一般公共预算财政拨款基本支出决算表",
    "three_public": "财政拨款“三公”经费支出决算表",
    "government_fund": "政府性基金预算财政拨款收入支出决算表",
}
_HEADING_MAX = 40
_TABLE_NUMBER = re.compile(r"^(?:表|公开)0*(\d{1,2})(?:表)?(?:[：:\s]|$)")
_MIN_NUMBERED = 3
_TOC_TAIL = re.compile(r"(?:\.{3,}|…+|·{3,}|-{3,})?\d*$")
_NO_DATA = re.compile(r"无数据|空表|不涉及|无(?:此项|相关|该项)?[^，。；]{0,20}(?:收入|支出|收支|经费|资金)|没有[^，。；]{0,30}"
                      r"(?:收入|支出|收支)|未(?:发生|安排)")
_FUND_WORDS = {"government_fund": "政府性基金", "state_capital": "国有资本经营", "three_public": "三公",
               "budget_government_fund": "政府性基金", "budget_state_capital": "国有资本经营",
               "budget_three_public": "三公"}


def review(lines: list[Line], report: Report | None) -> list[Finding]:
    if report is None:
        return []
    contents, body = split_at_contents(lines, report)
    findings = _empty_tables(lines, report, contents) + _numbering_gaps(outside_lists_of_tables(body))
    if report.kind == "budget":
        return findings + _budget_parts(body, report)
    if report.kind != "final" or any("高等学校" in t.title for t in report.tables):
        return findings  # a university's set of parts and tables is its own
    listed = _families(contents)
    printed = _families(body)
    parts = REQUIRED_PARTS + ((PERFORMANCE_PART,) if (report.fiscal_year or 0) >= PERFORMANCE_FROM else ())
    findings += _missing_parts(body, parts)
    for family, title in REQUIRED_TABLES.items():
        if family not in printed and family not in listed:
            findings.append(Finding("table_missing", WARNING, None, None, "（未见）", f"应公开“{title}”"))
    return findings


def _numbering_gaps(body: list[Line]) -> list[Finding]:
    """Tables numbered 表1 … 表N (公开01表 …) with a number before the last never printed (表1 too, where 表2 is
    printed): that table is left out."""
    numbers: dict[int, Line] = {}
    for line in body:
        text = compact_line(line.text)
        m = _TABLE_NUMBER.match(text)
        if m and len(text) <= _HEADING_MAX and not _SENTENCE.search(text):
            numbers.setdefault(int(m.group(1)), line)
    if len(numbers) < _MIN_NUMBERED or min(numbers) > 2:
        return []
    findings = []
    for missing in range(1, max(numbers)):
        if missing not in numbers:
            after = numbers[min(n for n in numbers if n > missing)]
            findings.append(Finding("table_missing", WARNING, after.page, after.line, compact_line(after.text),
                                    f"表{missing}未见：表格按序编号，本表之前应有表{missing}"))
    return findings


def _families(lines: list[Line], family_set: FamilySet = FINAL_TABLES) -> dict[str, Line]:
    """The standard table families whose title a line prints, each with its first line."""
    found: dict[str, Line] = {}
    for line in lines:
        text = without_tail(_TOC_TAIL, compact_line(line.text))
        if not text.endswith("表") or len(text) > _HEADING_MAX:
            continue
        family = family_set.match(text)
        if family is not None:
            found.setdefault(family.key, line)
    return found


def _missing_parts(body: list[Line], parts: tuple) -> list[Finding]:
    """Parts no heading names (a heading: a short line that is no sentence: no ，, no 。 but at its end)."""
    headings = [text for text in (compact_line(line.text) for line in body) if _is_heading(text)]
    return [Finding("part_missing", WARNING, None, None, "（未见）", f"应有“{name}”部分")
            for name, pattern in parts if not any(pattern.search(h) for h in headings)]


def _is_heading(text: str) -> bool:
    """A short line that is no sentence: no ，；, no 。 but at its end, and a ： only after a label (第一部分：…)."""
    if len(text) > _HEADING_MAX or _IN_SENTENCE.search(text.rstrip("。")):
        return False
    return "：" not in text or len(text.split("：", 1)[0]) <= _LABEL_BEFORE_COLON


def _budget_parts(body: list[Line], report: Report) -> list[Finding]:
    """A budget's 部门概况, 预算情况说明 and 名词解释, where it prints a narrative at all (a file of the tables only,
    published beside the narrative, is not judged), and its tables, unless the text says they are published apart
    (预算公开表附后)."""
    if sum(1 for line in body if _SENTENCE.search(line.text)) < _NARRATIVE_LINES:
        return []
    findings = _missing_parts(body, BUDGET_PARTS)
    texts = [compact_line(line.text) for line in body]
    if not report.tables and not _families(body, BUDGET_TABLES) \
            and not any(_TABLES_ELSEWHERE.search(t) and "表" in t for t in texts):
        findings.append(Finding("table_missing", WARNING, None, None, "（未见）", "应公开部门预算表"))
    return findings


def _empty_tables(lines: list[Line], report: Report, contents: list[Line]) -> list[Finding]:
    """An empty table (every cell blank) whose page says nothing of why, and whose fund the text never says the
    department lacks."""
    contents_pages = {line.page for line in contents}
    statements = [compact_line(line.text) for line in lines if _NO_DATA.search(compact_line(line.text))]
    findings = []
    for table in report.tables:
        if not table.is_empty or table.source.page in contents_pages:
            continue
        if _explained(table, lines, statements):
            continue
        findings.append(Finding("empty_table_unexplained", WARNING, table.source.page, table.source.line,
                                table.title, "空表应注明“本表无数据”及原因"))
    return findings


def _explained(table: Table, lines: list[Line], statements: list[str]) -> bool:
    on_page = [compact_line(line.text) for line in lines if line.page in (table.source.page, table.source.page + 1)]
    if any(_NO_DATA.search(text) for text in on_page):
        return True
    word = _FUND_WORDS.get(table.family)
    return word is not None and any(word in text for text in statements)
