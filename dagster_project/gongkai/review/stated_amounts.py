"""Amounts the narrative states for a table line (说明所列金额与表格): 收入总计, 支出总计, 财政拨款收入/支出,
一般公共预算拨款, 基本支出 and 项目支出, 人员经费 and 公用经费, the 三公 items, 机关运行经费 and 政府采购 — each stated
amount of the report's own year must be one of the table cells it names, to the precision it is printed with (a 类's
or a 项's amount: :mod:`gongkai.review.stated_classes`).

A statement is judged only where its amount follows the subject's words directly (收入预算 9,483.72 万元, 公务接待费
决算为 0.11 万元, 公务用车购置和运行维护费。2026年预算数 7.40 万元), the subject is not a part of a larger one (事业收入预算, 项目支出中的人员经费: the character before
the words must open the subject), the clause is about this year (not 上年 or another year's), and the table holding
the cell was read. Where a subject may be either of several cells (支出总计: 总计 or 本年支出合计; 基本支出: all
funds or 一般公共预算), any of them is accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.extract.budget_families import BUDGET_TABLES
from gongkai.extract.families import FINAL_TABLES
from gongkai.extract.narrative_text import compact_line
from gongkai.extract.records import Line, Report, Table, TableRow
from gongkai.extract.text import to_wan
from gongkai.review.findings import WARNING, Finding
from gongkai.review.prose import NUMBER, OPENERS, Prose, section_heading

_FILLER = r"(?:[。：:]?(?P<fy>(?:19|20)\d{2})年度?)?(?:支出)?(?P<stage>(?:年初)?(?:预算|决算))?(?:数)?(?:总额|总金额|金额)?(?:合计|共计|总计)?(?:为|是|达|安排)?"
AMOUNT = rf"(?P<n>{NUMBER})(?P<u>万元|元)"
_ANOTHER_YEAR = re.compile(r"上年|去年|上一年|同期|以前|(?P<y>(?:19|20)\d{2})年")
_CLAUSE_START = "，。；：,;:\n"
_FUND = re.compile(r"政府性基金|国有资本经营")
_APPROPRIATION = re.compile(r"财政拨款|一般公共预算")
_APPROPRIATION_FAMILIES = frozenset({
    "general_budget_expenditure", "general_budget_basic_expenditure", "budget_general_expenditure",
    "budget_appropriation_expenditure", "budget_general_basic", "budget_basic", "budget_appropriation_basic",
    "budget_general_economic"})
_OTHER_YEAR_HEADER = re.compile(r"上年|(?P<y>(?:19|20)\d{2})年")
_HEADER_LINES = 8
_EXPLAINS = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])|(?:情况)?说明$")


@dataclass(frozen=True, slots=True)
class Cell:
    """Where a subject's amount is printed: a table family, the row (by item, or by side and item) and the columns
    tried in order; not where the statement's words say ``unless`` (收入总计 is the 总计, not the 本年收入合计)."""

    family: str
    item: str
    side: str | None = None
    columns: tuple[str, ...] = ("amount", "total")
    unless: str | None = None


@dataclass(frozen=True, slots=True)
class Subject:
    """A table line the narrative states an amount for: its name on the review sheet, its words and its cells; a
    whole-report total (收入, 支出) is named so only right after its owner (2026年支出预算, 本部门收入预算), since a
    clause's 支出决算 after a comma is the amount of what the clause is about (XX（项）年初预算 …，支出决算 …)."""

    name: str
    words: str
    cells: tuple[Cell, ...]
    owned: bool = False
    part: bool = False  # 基本支出, 人员经费 …: a part of whatever fund the sentence is about


def _both(family_final: str, family_budget: str, item: str, side: str | None = None,
          columns: tuple[str, ...] = ("amount", "total")) -> tuple[Cell, ...]:
    return Cell(family_final, item, side, columns), Cell(family_budget, item, side, columns)


_THREE_PUBLIC_COLUMNS = ("actual", "budget")
#: Budget tables whose 基本支出 rows split into 人员经费 and 公用经费 (their total column, personnel / public rows).
_BUDGET_ECONOMIC_FAMILIES = ("budget_general_basic", "budget_basic", "budget_appropriation_basic",
                             "budget_general_economic", "budget_expenditure", "budget_general_expenditure")
SUBJECTS = (
    Subject("财政拨款收入支出总计", r"财政拨款收(?:入)?支(?:出)?(?:预算)?(?:总计|总预算)",
            _both("appropriation_summary", "budget_appropriation_summary", "grand_total", "income")
            + _both("appropriation_summary", "budget_appropriation_summary", "income_total", "income")),
    Subject("一般公共预算财政拨款收入", r"一般公共预算(?:财政)?拨款收入",
            _both("appropriation_summary", "budget_appropriation_summary", "general_budget_appropriation", "income")
            + (Cell("budget_summary", "general_budget_appropriation", "income"),)),
    Subject("一般公共预算财政拨款支出", r"一般公共预算(?:财政)?拨款支出",
            _both("general_budget_expenditure", "budget_general_expenditure", "total", None, ("total",))
            + _both("appropriation_summary", "budget_appropriation_summary", "expenditure_total", "expenditure",
                    ("general_budget",))
            + _both("appropriation_summary", "budget_appropriation_summary", "grand_total", "expenditure",
                    ("general_budget",))),
    Subject("一般公共预算财政拨款基本支出", r"一般公共预算(?:财政)?拨款基本支出",
            _both("general_budget_expenditure", "budget_general_expenditure", "total", None, ("basic",))
            + (Cell("budget_general_basic", "total"), Cell("budget_basic", "total"))),
    Subject("财政拨款收入", r"财政拨款收入",
            _both("appropriation_summary", "budget_appropriation_summary", "income_total", "income")
            + _both("appropriation_summary", "budget_appropriation_summary", "grand_total", "income")
            + (Cell("budget_summary", "fiscal_appropriation", "income"),
               Cell("income", "total", None, ("fiscal_appropriation",)),
               Cell("budget_income", "total", None, ("fiscal_appropriation",)))),
    Subject("财政拨款支出", r"财政拨款支出",
            _both("appropriation_summary", "budget_appropriation_summary", "expenditure_total", "expenditure",
                  ("total", "amount"))
            + _both("appropriation_summary", "budget_appropriation_summary", "grand_total", "expenditure",
                    ("total", "amount"))
            + (Cell("budget_appropriation_expenditure", "total", None, ("total",)),
               Cell("appropriation_expenditure", "total", None, ("total",)))),
    Subject("收入总计", r"总?收入(?:预算)?(?:总计|合计)?",
            _both("income_expenditure_summary", "budget_summary", "grand_total", "income")
            + tuple(Cell(cell.family, cell.item, cell.side, cell.columns, "总计") for cell in
                    _both("income_expenditure_summary", "budget_summary", "income_total", "income"))
            + _both("income", "budget_income", "total", None, ("total", "amount")), owned=True),
    Subject("支出总计", r"总?支出(?:预算)?(?:总计|合计)?",
            _both("income_expenditure_summary", "budget_summary", "grand_total", "expenditure")
            + _both("income_expenditure_summary", "budget_summary", "expenditure_total", "expenditure")
            + _both("expenditure", "budget_expenditure", "total", None, ("total",)), owned=True),
    Subject("基本支出", r"基本支出",
            _both("expenditure", "budget_expenditure", "total", None, ("basic",))
            + _both("general_budget_expenditure", "budget_general_expenditure", "total", None, ("basic",))
            + (Cell("budget_summary", "basic", "expenditure"),
               Cell("budget_appropriation_expenditure", "total", None, ("basic",))), part=True),
    Subject("项目支出", r"项目支出",
            _both("expenditure", "budget_expenditure", "total", None, ("project",))
            + _both("general_budget_expenditure", "budget_general_expenditure", "total", None, ("project",))
            + (Cell("budget_summary", "project", "expenditure"),
               Cell("budget_appropriation_expenditure", "total", None, ("project",))), part=True),
    Subject("人员经费", r"人员经费",
            (Cell("general_budget_basic_expenditure", "personnel_total"),)
            + tuple(Cell(family, "total", None, ("personnel",)) for family in _BUDGET_ECONOMIC_FAMILIES), part=True),
    Subject("公用经费", r"公用经费",
            (Cell("general_budget_basic_expenditure", "public_total"),)
            + tuple(Cell(family, "total", None, ("public",)) for family in _BUDGET_ECONOMIC_FAMILIES), part=True),
    Subject("“三公”经费", r"[“\"]?三公[”\"]?经费(?:财政拨款)?",
            _both("three_public", "budget_three_public", "total", None, _THREE_PUBLIC_COLUMNS)),
    Subject("因公出国（境）费", r"因公出国[（(]境[）)]费(?:用)?",
            _both("three_public", "budget_three_public", "overseas_travel", None, _THREE_PUBLIC_COLUMNS)),
    Subject("公务用车购置及运行费", r"公务用车购置(?:及|和)运行(?:维护|维修)?费",
            _both("three_public", "budget_three_public", "vehicle_total", None, _THREE_PUBLIC_COLUMNS)),
    Subject("公务用车购置费", r"公务用车购置费",
            _both("three_public", "budget_three_public", "vehicle_purchase", None, _THREE_PUBLIC_COLUMNS)),
    Subject("公务用车运行费", r"公务用车运行(?:维护|维修)?费",
            _both("three_public", "budget_three_public", "vehicle_operation", None, _THREE_PUBLIC_COLUMNS)),
    Subject("公务接待费", r"公务接待费",
            _both("three_public", "budget_three_public", "reception", None, _THREE_PUBLIC_COLUMNS)),
    Subject("机关运行经费", r"机关运行经费",
            (Cell("budget_three_public", "agency_operating_cost", None, ("budget",)),
             Cell("budget_agency_operating", "total"))),
    Subject("政府采购预算", r"政府采购(?:支出)?",
            (Cell("budget_procurement", "total", None, ("total", "amount")),)),
)
_SUBJECT_AT = re.compile(
    "(?:" + "|".join(f"(?P<s{i}>{s.words})" for i, s in enumerate(SUBJECTS)) + f"){_FILLER}{AMOUNT}")


def review(prose: Prose, report: Report | None, lines: list[Line]) -> tuple[list[Finding], set[tuple[int, int]]]:
    """(the findings, the (page, line) of every statement judged against a printed cell)."""
    if report is None:
        return [], set()
    index = {(line.page, line.line): i for i, line in enumerate(lines)}
    two_year = {table.family for table in report.tables if _prints_two_years(lines, index, table, report.fiscal_year)}
    findings = []
    judged: set[tuple[int, int]] = set()
    for m in _SUBJECT_AT.finditer(prose.text):
        number = next(int(name[1:]) for name, value in m.groupdict().items() if name[0] == "s" and value)
        subject = SUBJECTS[number]
        start = m.start(f"s{number}")
        if not _opens_subject(prose.text, start, subject.owned) \
                or not _this_year(prose.text, start, report.fiscal_year) \
                or (m.group("fy") and int(m.group("fy")) != report.fiscal_year):
            continue
        line = prose.line_at(start)
        heading = section_heading(lines, index.get((line.page, line.line)))
        families = _families_in_scope(prose, start, subject, heading, report.kind)
        if not families:
            continue
        stated = to_wan(float(m.group("n").replace(",", "")), m.group("u"))
        printed = _printed(report, subject, families, two_year, _columns_of_stage(report.kind, m.group("stage")),
                           m.group(f"s{number}"))
        at = prose.line_at(m.start("n"))  # the line printing the amount (the subject may end the line before)
        if any(value is not None for _, _, value in printed):
            judged |= {(line.page, line.line), (at.page, at.line)}
        if agrees(stated, m, printed):
            continue
        findings.append(Finding("narrative_vs_table", WARNING, at.page, at.line, prose.quote(start, m.end(), 30, 0),
                                _expected(subject, m, printed)))
    return findings, judged


def _families_in_scope(prose: Prose, start: int, subject: Subject, heading: str, kind: str | None) -> frozenset[str]:
    """The table families the statement can be about: the table a section explaining one table names (（二）收入决算表
    说明: its 收入总计 is that table's); none in a section about 政府性基金 / 国有资本经营 money (its totals are that
    fund's); for a part (基本支出 …) of a sentence about 财政拨款 / 一般公共预算 money, that money's tables only."""
    families = frozenset(cell.family for cell in subject.cells)
    explained = (BUDGET_TABLES if kind == "budget" else FINAL_TABLES).match(_EXPLAINS.sub("", heading))
    if explained is not None and explained.key in families:
        return frozenset({explained.key})
    sentence = prose.text[max(prose.text.rfind(ch, 0, start) for ch in "。\n") + 1: start]
    if _FUND.search(heading) or (subject.part and _FUND.search(sentence)):
        return frozenset()
    if subject.part and _APPROPRIATION.search(sentence):
        return families & _APPROPRIATION_FAMILIES
    return families


def _prints_two_years(lines: list[Line], index: dict, table: Table, year: int | None) -> bool:
    """A table whose header prints another year's columns beside this year's (2025年预算数 | 2026年预算数, 上年 |
    本年): a row read without its 上年 cell may hold either year's amounts."""
    at = index.get((table.source.page, table.source.line))
    if at is None:
        return False
    header = [line for line in lines[at + 1: at + 1 + _HEADER_LINES] if line.page == table.source.page]
    return any(not m.group("y") or int(m.group("y")) != year
               for line in header for m in _OTHER_YEAR_HEADER.finditer(compact_line(line.text)))


def _opens_subject(text: str, start: int, owned: bool) -> bool:
    before = text[start - 1: start]
    if owned:
        return before in OPENERS
    return not before or not ("\u4e00" <= before <= "\u9fff") or before in OPENERS


def _columns_of_stage(kind: str | None, stage: str | None) -> frozenset[str] | None:
    """In a final, an amount stated as 预算 is the budget column's (三公 预算数), as 决算 any other; None: any."""
    if kind != "final" or not stage:
        return None
    return frozenset({"budget"}) if "预算" in stage else frozenset({"actual", "amount", "total", "basic", "project"})


def _this_year(text: str, start: int, fiscal_year: int | None) -> bool:
    """The clause before the subject names no other year (2025年收入预算, 上年支出 …)."""
    clause_start = max(text.rfind(ch, 0, start) for ch in _CLAUSE_START) + 1
    for m in _ANOTHER_YEAR.finditer(text, clause_start, start):
        if not m.group("y") or (fiscal_year is not None and int(m.group("y")) != fiscal_year):
            return False
    return True


def agrees(stated: float, m: re.Match[str], printed: list[tuple[Table, TableRow, float | None]]) -> bool:
    """The stated amount is one of the cells, or 0 where a cell is left blank; with no amount printed at all there
    is nothing to judge."""
    if all(value is None for _, _, value in printed):
        return True
    return any(abs(stated) < 1e-9 if value is None else abs(value - stated) <= _tolerance(m, table)
               for table, _, value in printed)


def _printed(report: Report, subject: Subject, families: frozenset[str], two_year: set[str],
             columns: frozenset[str] | None, words: str) -> list[tuple[Table, TableRow, float | None]]:
    """The subject's rows the report's tables print: (table, row, value in 万元, None for a blank cell); a table
    printing per-unit rows under its 合计 gives each."""
    found = []
    for cell in subject.cells:
        table = report.table(cell.family)
        if cell.family not in families or table is None or table.is_empty or (cell.unless and cell.unless in words):
            continue
        conditions = {"item": cell.item} | ({"side": cell.side} if cell.side else {})
        for row in table.rows_with(**conditions):
            if cell.family in two_year and row.value("prior_year_budget") is None:
                continue
            values = [row.value(c) for c in cell.columns if columns is None or c in columns]
            found.append((table, row, next((v for v in values if v is not None), None)))
    return found


def _tolerance(m: re.Match[str], table: Table) -> float:
    """Half the last printed digit of the statement, and of the table (万元 to the cent; 元 to the yuan)."""
    number = m.group("n")
    decimals = len(number.split(".")[1]) if "." in number else 0
    stated_step = to_wan(10.0 ** -decimals, m.group("u"))
    table_step = 0.0001 if table.unit == "元" else 0.01
    return (stated_step + table_step) / 2 + 1e-6


def _expected(subject: Subject, m: re.Match[str], printed: list[tuple[Table, TableRow, float | None]]) -> str:
    table, row, value = next(p for p in printed if p[2] is not None)
    title = compact_line(table.title)
    return (f"{subject.name}应与表格一致：“{title}”（第{table.source.page}页）{compact_line(row.label)} "
            f"{value:,.2f}万元；说明中为 {m.group('n')}{m.group('u')}")
