"""Reading the supplementary tables of a text report: the tables some sets print beyond the standard nine
(项目支出决算表, 项目收入支出决算表, 支出决算明细表, 机关运行经费, "三公"经费与机关运行经费, 机构运行经费/国有资产/政府采购).

Their columns are whatever their header names, in its order: the header line naming the most column terms of the
family (合计, 基本支出, 项目支出, 年初结转和结余, 本年收入, 预算数, 决算数, 金额 …) gives the columns. Rows are coded
('2010101 行政运行 …', '30201 办公费 …'), a 合计 line, or labelled items ('三、政府采购支出 120.00', '车辆数（辆） 2').
"""

from __future__ import annotations

import re

from gongkai.extract.classification_codes import leading_code
from gongkai.extract.families import Family, FINAL_COLUMN_TERMS
from gongkai.extract.lazy_pattern import lazy_pattern
from gongkai.extract.row_items import match_item
from gongkai.extract.tables import RawRow, RawTable, split_amounts
from gongkai.extract.text import squeeze

_HEADER_END = lazy_pattern(r"^栏次")
_NOT_HEADER = lazy_pattern(r"单位[:：]|部门[:：]|公开\s*\d+\s*表")
_TOTAL_LABEL = ("合计", "总计")
_NEW_ROW = lazy_pattern(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、]|其中)")


def split_header(raw: RawTable) -> tuple[list, list]:
    """(header lines, data lines): the data start after the 栏次 line, else at the first line with a code, a 合计 or
    amounts."""
    body = raw.body
    for i, line in enumerate(body):
        if _HEADER_END.match(line.text):
            return body[:i], body[i + 1:]
    for i, line in enumerate(body):
        if _NOT_HEADER.search(line.text):
            continue
        label, amounts = split_amounts(line.text)
        if leading_code(line.text) or amounts or squeeze(label).startswith(_TOTAL_LABEL):
            return body[:i], body[i:]
    return body, []


def header_columns(header: list, family: Family) -> tuple[str, ...]:
    """The columns the header names, in printed order: the header line naming the most of the family's columns."""
    best: list[str] = []
    for line in header:
        if _NOT_HEADER.search(line.text):
            continue
        keys = [key for token in line.text.split() if (key := _term(token, family.columns)) is not None]
        if len(keys) >= len(best):
            best = keys
    return tuple(best) or family.columns[:1]


def _term(token: str, allowed: tuple[str, ...]) -> str | None:
    for key, expr in FINAL_COLUMN_TERMS:
        if key in allowed and re.search(expr, token):
            return key
    return None


def table_rows(data: list, family: Family) -> list[RawRow]:
    """The printed rows: a coded row, a 合计 row, or a label with its amounts; a label line without amounts that
    starts no new item continues the row above while that row has no amounts (a wrapped name)."""
    rows: list[RawRow] = []
    for line in data:
        coded = leading_code(line.text)
        if coded:
            label, amounts = split_amounts(coded[1])
            rows.append(RawRow(label, amounts, line, coded[0]))
            continue
        label, amounts = split_amounts(line.text)
        if rows and not label:
            rows[-1].amounts.extend(amounts)
        elif rows and not rows[-1].amounts and not _starts_row(label, family):
            rows[-1].label += label
            rows[-1].amounts.extend(amounts)
        elif label:
            rows.append(RawRow(label, amounts, line))
    return rows


def _starts_row(label: str, family: Family) -> bool:
    compact = squeeze(label)
    if compact.startswith(_TOTAL_LABEL) or _NEW_ROW.match(compact):
        return True
    return family.items is not None and match_item(compact, family.items) is not None


def row_item(label: str, code: str | None, family: Family) -> str | None:
    """The stable key of a labelled row (see families.SUPPLEMENTARY_ITEMS), 'total' for a 合计 line."""
    if code:
        return None
    compact = squeeze(label)
    if family.items is not None:
        return match_item(compact, family.items)
    return "total" if compact.startswith(_TOTAL_LABEL) else None
