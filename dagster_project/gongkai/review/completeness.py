"""Completeness (完整性): the parts a final must have (概况, 情况说明, 名词解释), the standard tables present, the
contents page (目录) matching the tables that follow it, and an empty table carrying its "no data" statement
(本表无数据, 本部门不涉及 … 故本表为空表) rather than left blank.

Parts, tables and contents are judged on finals, whose set of parts and tables is prescribed; a table counts as
present when its title is printed anywhere after the contents, whether or not its cells could be read.
"""

from __future__ import annotations

import re

from gongkai.extract.families import match_family
from gongkai.extract.narrative import compact_line
from gongkai.extract.records import Line, Report, Table
from gongkai.review.findings import WARNING, Finding

REQUIRED_PARTS = (
    ("概况", re.compile(r"概况|主要职能|主要职责|基本情况")),
    ("情况说明", re.compile(r"情况说明|报表说明|决算说明")),
    ("名词解释", re.compile(r"名词解释")),
)
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
_CONTENTS = re.compile(r"^目录$")
_TOC_TAIL = re.compile(r"(?:\.{3,}|…+|·{3,}|-{3,})?\d*$")
_NO_DATA = re.compile(r"无数据|空表|不涉及|无(?:此项|相关|该项)?[^，。；]{0,20}(?:收入|支出|收支|经费|资金)|没有[^，。；]{0,30}"
                      r"(?:收入|支出|收支)|未(?:发生|安排)")
_FUND_WORDS = {"government_fund": "政府性基金", "state_capital": "国有资本经营", "three_public": "三公",
               "budget_government_fund": "政府性基金", "budget_state_capital": "国有资本经营",
               "budget_three_public": "三公"}


def review(lines: list[Line], report: Report | None) -> list[Finding]:
    if report is None:
        return []
    contents, body = _split_contents(lines)
    findings = _empty_tables(lines, report, contents)
    if report.kind != "final" or any("高等学校" in t.title for t in report.tables):
        return findings  # a university's set of parts and tables is its own
    listed = _families(contents)
    printed = _families(body)
    findings += _missing_parts(body, lines)
    for family, title in REQUIRED_TABLES.items():
        if family not in printed and family not in listed:
            findings.append(Finding("table_missing", WARNING, None, None, "（未见）", f"应公开“{title}”"))
    for family, line in listed.items():
        if family not in printed:
            findings.append(Finding("contents_mismatch", WARNING, line.page, line.line, compact_line(line.text),
                                    "目录所列表格在正文中未见"))
    return findings


def _split_contents(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """(the contents page's lines, the lines after it); no contents page: ([], all lines)."""
    for index, line in enumerate(lines[:200]):
        if _CONTENTS.match(compact_line(line.text)):
            end = index + 1
            while end < len(lines) and lines[end].page == line.page:
                end += 1
            return lines[index + 1: end], lines[end:]
    return [], lines


def _families(lines: list[Line]) -> dict[str, Line]:
    """The standard table families whose title a line prints, each with its first line."""
    found: dict[str, Line] = {}
    for line in lines:
        text = _TOC_TAIL.sub("", compact_line(line.text))
        if not text.endswith("表") or len(text) > _HEADING_MAX:
            continue
        family = match_family(text)
        if family is not None:
            found.setdefault(family.key, line)
    return found


def _missing_parts(body: list[Line], lines: list[Line]) -> list[Finding]:
    headings = [compact_line(line.text) for line in body if len(compact_line(line.text)) <= _HEADING_MAX]
    return [Finding("part_missing", WARNING, None, None, "（未见）", f"应有“{name}”部分")
            for name, pattern in REQUIRED_PARTS if not any(pattern.search(h) for h in headings)]


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
