"""Finding the standard tables in a document's lines and reading their rows.

A table starts at a line that is one of the family titles (see :mod:`families`) and is followed within a few lines by
table furniture (单位：, 部门：, 公开NN表, 栏次, 项目); it ends at its notes (注：) or at the next table or part.
Rows keep their printed amounts in order; which column each amount belongs to is decided by :mod:`columns`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gongkai.extract.classification_codes import leading_code
from gongkai.extract.families import Family, is_other_title, match_family
from gongkai.extract.pattern_cache import compiled
from gongkai.extract.records import Line
from gongkai.extract.table_titles import table_label
from gongkai.extract.text import is_amount, squeeze

_FURNITURE = compiled(r"单位[:：]|部门[:：]|公开\s*\d+\s*表|栏次|^项目|科目编码|金额单位")
_UNIT = compiled(r"单位[:：]\s*(万元|元)")
_DEPARTMENT = compiled(r"部门[:：]\s*(\S+)")
_PART = compiled(r"^第[一二三四五六七八九十]+部分")
_LATER_SECTIONS = ("预算项目", "项目支出绩效", "部门（单位）整体", "部门整体")
_NOTE = ("注:", "注：")  # the prefixes of a table's notes
_HEADER_END = compiled(r"^栏次")
_COLUMN_NUMBERS = compiled(r"^\d{1,2}(?:\s+\d{1,2})*$")
_ECONOMIC_SEGMENT = compiled(r"(?<!\S)(3\d{2}(?:\d{2})?)\s+(\S+?)(?:\s+(-?[\d,]+\.\d+))?(?=\s+3\d{2}(?:\d{2})?(?:\s|$)|\s*$)")
_ECONOMIC_TOTAL = compiled(r"(人员经费合计|公用经费合计|合计)\s*(-?[\d,]+\.\d+)?")


@dataclass(slots=True)
class RawRow:
    """A table row as printed: label, code, the amounts in printed order, and where it is."""

    label: str
    amounts: list[str]
    line: Line
    code: str | None = None
    side: str | None = None
    row_number: int | None = None


@dataclass(slots=True)
class RawTable:
    family: Family
    title_line: Line
    unit: str = "万元"
    label: str | None = None
    department: str | None = None
    body: list[Line] = field(default_factory=list)
    has_note: bool = False


def _is_title(lines: list[Line], index: int) -> Family | None:
    text = lines[index].text
    if "表" not in text or len(text) > 60:
        return None
    family = match_family(text)
    if family is None:
        return None
    window = lines[index + 1 : index + 7]
    if any(_FURNITURE.search(line.text) for line in window):
        return family
    return None


def _is_other_title(lines: list[Line], index: int) -> bool:
    """The title of a table of no family (一般公共预算财政拨款项目支出决算表 …) over table furniture."""
    return is_other_title(lines[index].text) and any(_FURNITURE.search(line.text) for line in lines[index + 1:index + 7])


def find_tables(lines: list[Line]) -> list[RawTable]:
    """Every standard table in reading order, with its body lines (header included) up to its notes."""
    tables: list[RawTable] = []
    current: RawTable | None = None
    in_note = False
    for index, line in enumerate(lines):
        family = _is_title(lines, index) if "表" in line.text else None  # (the cheap test of _is_title, inlined)
        if family is not None:
            current = RawTable(family=family, title_line=line, label=table_label(line.text))  # 表1-1 收入…, …总表（公开01表）
            tables.append(current)
            in_note = False
            continue
        if current is None:
            continue
        if _ends_tables(line.text) or "表" in line.text and _is_other_title(lines, index):
            current = None
            continue
        if line.text.startswith(_NOTE):
            in_note = True
            current.has_note = True
            continue
        if in_note:
            continue
        _read_furniture(current, line)
        current.body.append(line)
    return tables


def _ends_tables(text: str) -> bool:
    """A part heading (第三部分 …) or a performance section: the standard tables end here."""
    return text.startswith(_LATER_SECTIONS) or (text.startswith("第") and _PART.match(text) is not None)


def _read_furniture(table: RawTable, line: Line) -> None:
    """The unit, department and printed label of a table, from its header lines (each test names its literal)."""
    text = line.text
    unit = _UNIT.search(text) if "单位" in text else None
    if unit:
        table.unit = unit.group(1)
    department = _DEPARTMENT.search(text) if "部门" in text and table.department is None else None
    if department:
        table.department = department.group(1)
    label = table_label(text) if "表" in text and table.label is None else None
    if label:
        table.label = label


def data_lines(table: RawTable) -> list[Line]:
    """The body lines after the header (after the 栏次 line, or after the last furniture line)."""
    body = table.body
    for i, line in enumerate(body):
        if _HEADER_END.match(line.text):
            return body[i + 1 :]
    for i, line in enumerate(body):
        if squeeze(line.text).startswith("合计") or leading_code(line.text):
            return body[i:]
    return []


def split_amounts(text: str) -> tuple[str, list[str]]:
    tokens = text.split()
    amounts: list[str] = []
    while tokens and is_amount(tokens[-1]):
        amounts.insert(0, tokens.pop())
    return " ".join(tokens), amounts


def function_rows(table: RawTable) -> list[RawRow]:
    """Rows of a function-coded table: '合计 …' and 'code name amounts…', joining wrapped names and amounts."""
    rows: list[RawRow] = []
    column_numbers = False  # under a 栏次 line repeated on a continuation page: its 1 / 2 / 3, one a line
    for line in data_lines(table):
        text = line.text
        coded = leading_code(text)
        if coded:
            label, amounts = split_amounts(coded[1])
            rows.append(RawRow(label, amounts, line, coded[0]))
            column_numbers = False
            continue
        if _HEADER_END.match(text) or column_numbers and _COLUMN_NUMBERS.match(text):
            column_numbers = True
            continue
        column_numbers = False
        label, amounts = split_amounts(text)
        if squeeze(label).startswith(("合计", "总计")):
            rows.append(RawRow("合计", amounts, line))
        elif rows and not label:
            rows[-1].amounts.extend(amounts)
        elif rows and label and not rows[-1].amounts:
            rows[-1].label += label
            rows[-1].amounts.extend(amounts)
    return rows


def economic_rows(table: RawTable) -> list[RawRow]:
    """Rows of the basic-expenditure table: side-by-side panels of 'code name amount' segments, and the totals."""
    rows: list[RawRow] = []
    for line in data_lines(table) or table.body:
        text = line.text
        for segment in _ECONOMIC_SEGMENT.finditer(text):
            code, label, amount = segment.groups()
            rows.append(RawRow(label, [amount] if amount else [], line, code))
        if "合计" not in text:
            continue
        for total in _ECONOMIC_TOTAL.finditer(text):
            if not _ECONOMIC_SEGMENT.search(text[: total.start()]) or total.group(1) != "合计":
                rows.append(RawRow(total.group(1), [total.group(2)] if total.group(2) else [], line))
    return rows


def summary_rows(table: RawTable) -> list[RawRow]:
    """Rows of a two-sided summary table: segments of 'label 行次 amounts…' (income left, expenditure right)."""
    rows: list[RawRow] = []
    right_start: int | None = None
    for line in data_lines(table):
        segments = _summary_segments(line.text)
        for position, (label, number, amounts) in enumerate(segments):
            if right_start is None and len(segments) > 1 and position == 1:
                right_start = number
            side = "expenditure" if right_start is not None and number >= right_start else "income"
            rows.append(RawRow(label, amounts, line, side=side, row_number=number))
    return rows


def _summary_segments(text: str) -> list[tuple[str, int, list[str]]]:
    segments: list[tuple[str, int, list[str]]] = []
    label: list[str] = []
    for token in text.split():
        if len(token) <= 3 and token.isdecimal():  # a row number (行次)
            segments.append((" ".join(label), int(token), []))
            label = []
        elif is_amount(token) and segments and not label:
            segments[-1][2].append(token)
        else:
            label.append(token)
    return segments


def labelled_rows(table: RawTable) -> list[RawRow]:
    """Rows of a labelled table such as the 三公 table: 'label amounts…'."""
    rows: list[RawRow] = []
    for line in data_lines(table) or _after_header(table):
        label, amounts = split_amounts(line.text)
        if label:
            rows.append(RawRow(label, amounts, line))
        elif rows:
            rows[-1].amounts.extend(amounts)
    return rows


def _after_header(table: RawTable) -> list[Line]:
    for i, line in enumerate(table.body):
        if re.search(r"预算数.*决算数", line.text):
            return table.body[i + 1 :]
    return []
