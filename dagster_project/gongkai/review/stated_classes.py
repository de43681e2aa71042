"""Amounts the narrative states for a classified line (说明所列科目金额): a 类's amount (公共安全（类）支出 13656.34
万元, or a 类 named as its table names it in a list: 按照支出功能科目划分，教育支出 425,287.27 万元…), and a 项's named
by its code or its 类/款/项 names (2011301-行政运行 …, 行政运行（2014001）…, 机关事业单位基本养老保险缴费支出（2080505），
2023年度决算数为 …, （204类）司法（06款）行政运行（01项）…, 中医（民族）医院（项）。年初预算 …，支出决算 …) —
against those rows of the function-coded tables (一般公共预算, all funds, 政府性基金 …: any of them is accepted), to the
precision each is printed with, on the line printing the amount.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from gongkai.extract.narrative_text import compact_line
from gongkai.extract.records import Line, Report, Table, TableRow
from gongkai.extract.text import squeeze, to_wan
from gongkai.review.findings import WARNING, Finding
from gongkai.review.prose import NUMBER, Prose, section_heading
from gongkai.review.stated_amounts import AMOUNT, agrees


def review(prose: Prose, report: Report | None, lines: list[Line]) -> tuple[list[Finding], set[tuple[int, int]]]:
    """(the findings, the (page, line) of every statement judged against a printed row)."""
    if report is None:
        return [], set()
    index = {(line.page, line.line): i for i, line in enumerate(lines)}
    class_findings, class_judged = _class_amounts(prose, report, lines, index)
    coded_findings, coded_judged = _coded_amounts(prose, report, lines, index)
    return class_findings + coded_findings, class_judged | coded_judged


# 1.公共安全（类）支出 13656.34 万元 / 一般公共服务支出（类）2106.66 万元 — a 类 with its amount, no 款 or 项 after it
_CLASS_AT = re.compile(rf"(?P<name>[\u4e00-\u9fff、]{{2,14}}?)(?:支出)?[（(](?:\d{{3}})?类[）)](?:支出)?(?:预算|决算)?(?:数)?"
                       rf"(?:为|安排)?{AMOUNT}")
_CLASS_FAMILIES = ("budget_general_expenditure", "budget_expenditure", "budget_appropriation_expenditure",
                   "budget_summary", "budget_appropriation_summary", "general_budget_expenditure", "expenditure",
                   "appropriation_expenditure", "appropriation_summary", "income_expenditure_summary")
# 2011301-行政运行 2163.74 万元 / 行政运行（2014001）1,373.32 万元 / （204类）司法（06款）行政运行（01项）1672.67 万元 /
# 机关事业单位基本养老保险缴费支出（2080505），2023年度决算数为 8,897.19 万元: an amount for a coded line
_CODED_AT = re.compile(
    rf"(?:(?<!\d)(?P<code>\d{{7}})[-－—]?[\u4e00-\u9fff（）()、]{{2,30}}?"
    rf"|[（(](?P<code2>\d{{7}})[）)]"
    rf"|[（(](?P<c1>\d{{3}})类[）)][^（()）]{{1,20}}[（(](?P<c2>\d{{2}})款[）)][^（()）]{{1,30}}[（(](?P<c3>\d{{2}})项[）)])"
    rf"(?:[，,：:]?(?P<cy>(?:19|20)\d{{2}})年度?)?(?:支出)?(?:决算|预算)?(?:数)?(?:为|是)?{AMOUNT}")
# “城乡社区支出（类）城乡社区管理事务（款）城管执法（项）”604.34 万元: a 项 named with its 款 and 类
# 中医（民族）医院（项）。年初预算4379.61万元，支出决算19,028.68万元: the 决算 amount after the 年初预算 one
_NAME = r"(?:[^（()）“”\"]|[（(][^（()）类款项]{1,6}[）)])"
_NAMED_ITEM_AT = re.compile(
    rf"{_NAME}{{2,20}}?[（(]类[）)](?P<kuan>{_NAME}{{2,30}}?)[（(]款[）)](?P<item>{_NAME}{{2,30}}?)[（(]项[）)]"
    rf"[”\"]?(?:[。，：,:]?(?:年初)?预算(?:数)?(?:为)?(?:{NUMBER})(?:万元|元)[，,](?:支出)?决算(?:数)?(?:为)?)?{AMOUNT}")
_CLASS_MARK = re.compile(r"[（(](?:\d{3})?类[）)]")  # in every _CLASS_AT, at most _CLASS_REACH characters in
_CLASS_REACH = 16
_NAMED_MARK = re.compile(r"[（(]类[）)]")  # in every _NAMED_ITEM_AT, at most 20 names of up to 8 characters in
_NAMED_REACH = 160
_CODED_FAMILIES = ("budget_general_expenditure", "budget_expenditure", "budget_appropriation_expenditure",
                   "budget_government_fund", "budget_state_capital", "general_budget_expenditure", "expenditure",
                   "appropriation_expenditure", "government_fund", "state_capital")
_MIN_CLASS_NAME = 2
# …（01项）1672.67万元。主要用于：…。2025年当年预算执行数为1690.69万元，2026年预算安排1672.67万元: the 项's own year's
# 预算安排 later in its item
_ARRANGED = re.compile(rf"(?:(?P<y>(?:19|20)\d{{2}})年度?)?(?:预算安排|年初预算安排|安排预算)(?:为)?{AMOUNT}")
_ITEM_REACH = 240  # characters: an item's paragraph (what it is used for, last year's execution, this year's budget)
_PART = re.compile(r"基本支出|项目支出")
_FUND_SCOPES = (
    (re.compile(r"政府性基金"), frozenset({"government_fund", "budget_government_fund"})),
    (re.compile(r"国有资本经营"), frozenset({"state_capital", "budget_state_capital"})),
    (re.compile(r"财政拨款|一般公共预算"), frozenset({
        "general_budget_expenditure", "budget_general_expenditure", "appropriation_expenditure",
        "budget_appropriation_expenditure", "appropriation_summary", "budget_appropriation_summary"})),
)
_ROW_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|\d{1,2}[.、．])|支出$")


def _coded_amounts(prose: Prose, report: Report, lines: list[Line],
                   index: dict) -> tuple[list[Finding], set[tuple[int, int]]]:
    """A coded 项's amount (2011301-行政运行 2163.74 万元; （204类）…（06款）…（01项）1672.67 万元) against the rows of
    that code in the function-coded tables (一般公共预算, all funds, 政府性基金 …: any of them is accepted)."""
    findings = []
    judged: set[tuple[int, int]] = set()
    tables = [t for family in _CODED_FAMILIES if (t := report.table(family)) is not None and not t.is_empty]
    statements = [(m, lambda row, code=_code(m): row.code == code) for m in _CODED_AT.finditer(prose.text)
                  if not m.group("cy") or int(m.group("cy")) == report.fiscal_year]
    statements += [(m, _named_item(tables, m.group("kuan"), m.group("item")))
                   for m in _matches_near(_NAMED_ITEM_AT, _NAMED_MARK, _NAMED_REACH, prose.text)]
    starts = sorted(m.start() for m, _ in statements)
    for m, is_row in statements:
        scope = _in_scope(prose, lines, index, m.start(), tables)
        printed = [(table, row, row.value("total")) for table in scope or () for row in table.rows if is_row(row)]
        if not any(value is not None for _, _, value in printed):
            continue
        later = [at for at in starts if at > m.start()]
        paragraph_end = prose.text.find("\n", m.end())
        end = min([m.end() + _ITEM_REACH] + later[:1] + ([paragraph_end] if paragraph_end >= 0 else []))
        arranged = [a for a in _ARRANGED.finditer(prose.text, m.end(), end)
                    if not a.group("y") or int(a.group("y")) == report.fiscal_year]
        for stated_at in [m] + arranged:  # the 项's amount, and its 2026年预算安排 later in the item
            line = prose.line_at(stated_at.start("n"))  # the line printing the amount
            judged.add((line.page, line.line))
            stated = to_wan(float(stated_at.group("n").replace(",", "")), stated_at.group("u"))
            if agrees(stated, stated_at, printed):
                continue
            table, row, value = next(p for p in printed if p[2] is not None)
            findings.append(Finding(
                "narrative_vs_table", WARNING, line.page, line.line,
                prose.quote(stated_at.start(), stated_at.end(), 30, 0),
                f"{row.code} {compact_line(row.label)}应与表格一致：“{compact_line(table.title)}”"
                f"（第{(row.source or table.source).page}页）{value:,.2f}万元；说明中为 {stated_at.group('n')}{stated_at.group('u')}"))
    return findings, judged


def _class_amounts(prose: Prose, report: Report, lines: list[Line],
                   index: dict) -> tuple[list[Finding], set[tuple[int, int]]]:
    """A 类's amount (公共安全（类）支出 13656.34 万元) against the 类 rows of the function-coded tables (一般公共预算
    or all funds: either is accepted) and the 收支总表's expenditure lines."""
    findings = []
    judged: set[tuple[int, int]] = set()
    for m in list(_matches_near(_CLASS_AT, _CLASS_MARK, _CLASS_REACH, prose.text)) + _listed_classes(prose, report):
        name = _class_name(m.group("name"))
        scope = _in_scope(prose, lines, index, m.start("name"), _class_tables(report))
        printed = [(table, row, row.value(column)) for table in scope or () for row in table.rows
                   if _is_class_row(row) and _class_name(row.label) == name
                   for column in ("total", "amount") if column in table.columns][:8]
        if not any(value is not None for _, _, value in printed):
            continue
        line = prose.line_at(m.start("n"))  # the line printing the amount
        judged.add((line.page, line.line))
        stated = to_wan(float(m.group("n").replace(",", "")), m.group("u"))
        if agrees(stated, m, printed):
            continue
        table, row, value = next(p for p in printed if p[2] is not None)
        findings.append(Finding(
            "narrative_vs_table", WARNING, line.page, line.line, prose.quote(m.start("name"), m.end(), 30, 0),
            f"{name}（类）应与表格一致：“{compact_line(table.title)}”（第{(row.source or table.source).page}页）"
            f"{compact_line(row.label)} {value:,.2f}万元；说明中为 {m.group('n')}{m.group('u')}"))
    return findings, judged


def _listed_classes(prose: Prose, report: Report) -> list[re.Match[str]]:
    """按照支出功能科目划分，教育支出 425,287.27 万元，占…；科学技术支出 2,536.65 万元…: a 类 named as its tables name it
    (…支出), opening a clause, its amount right after it."""
    names = {f"{_class_name(row.label)}支出" for table in _class_tables(report) for row in table.rows
             if _is_class_row(row) and len(_class_name(row.label)) >= _MIN_CLASS_NAME}
    if not names:
        return []
    listed = re.compile(rf"(?:^|(?<=[，。；：、,;:]))(?:其中[：:]?)?(?P<name>{'|'.join(map(re.escape, sorted(names)))})"
                        rf"(?:预算|决算)?(?:数)?(?:为|是)?{AMOUNT}")
    return list(listed.finditer(prose.text))


def _in_scope(prose: Prose, lines: list[Line], index: dict, start: int, tables: list[Table]) -> list[Table] | None:
    """The tables a statement can be about: a sentence or section about 政府性基金 / 国有资本经营 money that fund's,
    about 财政拨款 / 一般公共预算 money those; None where the sentence is about 基本支出 or 项目支出 (the class's
    part, not its total)."""
    sentence_start, _ = prose.sentence_bounds(start)
    sentence = prose.text[sentence_start: start]
    if _PART.search(sentence):
        return None
    line = prose.line_at(start)
    said = section_heading(lines, index.get((line.page, line.line))) + sentence
    for words, families in _FUND_SCOPES:
        if words.search(said):
            return [t for t in tables if t.family in families]
    return tables


def _code(m: re.Match[str]) -> str:
    return m.group("code") or m.group("code2") or f"{m.group('c1')}{m.group('c2')}{m.group('c3')}"


def _named_item(tables: list[Table], kuan: str, item: str):
    """Whether a row is the 项 named ``item`` under the 款 named ``kuan``."""
    parents = {row.code: squeeze(row.label) for table in tables for row in table.rows if row.code}

    def is_row(row: TableRow) -> bool:
        return row.level == 3 and squeeze(row.label) == squeeze(item) \
            and parents.get(row.parent_code) == squeeze(kuan)
    return is_row


def _class_tables(report: Report) -> list[Table]:
    return [t for family in _CLASS_FAMILIES if (t := report.table(family)) is not None and not t.is_empty]


def _is_class_row(row: TableRow) -> bool:
    """A 类 line: a 3-digit code, or an uncoded expenditure line of a 收支总表 (一、公共安全支出)."""
    return row.level == 1 if row.code else (row.side == "expenditure" and row.item is None)


def _class_name(label: str) -> str:
    """公共安全 of 1.公共安全, 一、公共安全支出, 204 公共安全支出."""
    return _ROW_NUMBERING.sub("", re.sub(r"^\d{3}\s*", "", compact_line(label))).removesuffix("支出")


def _matches_near(pattern: re.Pattern[str], mark: re.Pattern[str], reach: int, text: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern each of whose matches holds a match of ``mark`` (which cannot overlap
    itself) starting at most ``reach`` characters after its own start: only the starts before each mark are tried,
    each once, in order (a long lazy pattern tried at every character costs more than the rest of the review)."""
    start = 0  # the first position not tried yet
    for found_mark in mark.finditer(text):
        last = found_mark.start()
        at = max(start, last - reach)
        while at <= last:
            found = pattern.match(text, at)
            if found is None:
                at += 1
                continue
            yield found
            at = found.end()
        start = max(start, at)
