"""The "三公" table of a PDF report (因公出国(境)费, 公务用车购置及运行费, 公务接待费, and 会议费 / 培训费 where printed):
its items down the rows or across the columns, 预算数 / 决算数 (a final) or this and last year's budget (a budget, also
under year headings or as one row per year)."""

from __future__ import annotations

import re
from dataclasses import replace

from gongkai.extract.families import Family, FamilySet
from gongkai.extract.pdf_table_layout import _cell, _Column, _RowState
from gongkai.extract.pdf_table_locate import _Found
from gongkai.extract.records import Cell, CELL_BLANK, Line, Source, TableRow
from gongkai.extract.row_items import match_item
from gongkai.extract.text import squeeze


_THREE_PUBLIC_ORDER = ("total", "overseas_travel", "vehicle_total", "vehicle_purchase", "vehicle_operation", "reception",
                       "meeting", "training")
_THREE_PUBLIC_GENERIC = {None, "total", "vehicle_total"}  # what a 小计 under a group heading may be read as
UNIT_LEVEL = 1  # a unit's row under the table's 合计 (the 合计 and its items have no level)


def _classify_three_public(columns: list[_Column], family: Family, family_set: FamilySet) -> None:
    """The value columns of a 三公 table: each column's key (预算数 / 决算数 …) and the item it holds, where the items
    run across the columns."""
    for c in columns:
        if c.role != "value":
            continue
        words = [t for _, t in sorted(c.own, reverse=True)] + [t for _, t in sorted(c.group, reverse=True)]
        c.key = _three_public_key(words, family)
        own = [t for _, t in sorted(c.own, key=lambda word: word[0])]
        wrapped = ["".join(own[-n:]) for n in range(2, len(own) + 1)]  # '公务用车运行维护' / '费'
        for t in words[:1] + wrapped + words[1:] + [c.own_text]:  # a header wrapped in its cell is whole joined
            if re.fullmatch(r"(预算数|决算数|预算|决算|执行数)", t) or t == "小计":
                continue
            item = match_item(t, family_set.three_public_items)
            if item:
                c.item = item
                break
    _outer_total(columns)
    _three_public_in_prescribed_order([c for c in columns if c.role == "value"])
    _three_public_by_year_heading(columns, family)


def _three_public_by_year_heading(columns: list[_Column], family: Family) -> None:
    """A budget's 三公 items under two year headings (2025年预算数 | 2026年预算数, 烟台): the latest year's columns are
    the budget, the earlier year's last year's budget."""
    if "prior_year_budget" not in family.columns:
        return
    years: dict[int, int] = {}
    for k, c in enumerate(columns):
        found = [int(m.group(1)) for _, t in [*c.own, *c.group] if (m := re.search(r"((?:19|20)\d{2})年", t))]
        if c.role == "value" and found:
            years[k] = max(found)
    if len(set(years.values())) < 2:
        return
    latest = max(years.values())
    for k, year in years.items():
        columns[k].key = "budget" if year == latest else "prior_year_budget"


def _three_public_in_prescribed_order(values: list[_Column]) -> None:
    """Items across one row of columns (预算数 / 决算数 as rows): where a 小计 could not be told from its group heading
    (the heading is centred over its columns, not ruled), the prescribed order 合计, 出国, 用车 小计, 购置, 运行, 接待
    (会议费, 培训费) decides — provided every item that was read (出国, 购置, 接待 …) sits where that order puts it."""
    items = [c.item for c in values]
    if any(c.key for c in values) or len(items) not in (6, 8) or len(set(items)) == len(items) and None not in items:
        return
    prescribed = _THREE_PUBLIC_ORDER[:len(items)]
    if all(item in _THREE_PUBLIC_GENERIC or item == expected for item, expected in zip(items, prescribed)):
        for column, item in zip(values, prescribed):
            column.item = item


def _outer_total(columns: list[_Column]) -> None:
    """Beside 会议费 and 培训费, a 合计 over them and the 三公 (under no group header) is not the 三公 小计; a table
    of two years side by side (上年 | 当年, 西安) has one of each per year."""
    if not any(c.item in ("meeting", "training") for c in columns):
        return
    for key in {c.key for c in columns if c.role == "value" and c.key}:
        totals = [c for c in columns if c.role == "value" and c.item == "total" and c.key == key]
        if len(totals) > 1:
            min(totals, key=lambda c: len(c.group)).item = "grand_total"


def _three_public_key(words: list[str], family: Family) -> str | None:
    """预算数 / 决算数 (a final), 本年预算 / 上年预算 (a budget); a table of budgets alone needs no header to say so.
    The change between the two (增减变化情况) is no column of its own: it is what the two give."""
    if any("增减" in t or "变化" in t for t in words):
        return None
    if any("决算" in t or "执行" in t for t in words):
        return "actual"
    if "prior_year_budget" in family.columns and any("上年" in t for t in words):
        return "prior_year_budget"
    if any("预算" in t for t in words) or "actual" not in family.columns:
        return "budget"
    return None


_THREE_PUBLIC_LABELS = {
    "total": "合计", "overseas_travel": "因公出国（境）费", "vehicle_total": "公务用车购置及运行费",
    "vehicle_purchase": "公务用车购置费", "vehicle_operation": "公务用车运行费", "reception": "公务接待费",
    "meeting": "会议费", "training": "培训费", "agency_operating_cost": "机关运行经费",
    "grand_total": "合计（含会议费、培训费）",
}


def _by_year(rows: list[TableRow], family: Family, state: _RowState) -> list[TableRow]:
    """A 三公 table with items across and one row per year (2025年 / 2026年 / 增减变化金额, Shenzhen): the latest year
    is the budget, an earlier one last year's budget; the change row repeats what the two give."""
    years = {state.year[id(row)] for row in rows if id(row) in state.year}
    if len(years) < 2:
        return rows
    latest, out = max(years), []
    for row in rows:
        year = state.year.get(id(row))
        if year == latest:
            out.append(row)
        elif year is not None and "prior_year_budget" in family.columns:
            swapped = {"budget": "prior_year_budget", "prior_year_budget": "budget"}
            row.cells = sorted((replace(c, column=swapped.get(c.column, c.column)) for c in row.cells),
                               key=lambda c: family.columns.index(c.column))
            out.append(row)
    return out


def _merge_item_rows(rows: list[TableRow]) -> list[TableRow]:
    """A 三公 table printed with the items across and 预算数 / 决算数 as its two rows: one row per item, its budget
    from the 预算数 row and its actual from the 决算数 row. A unit's rows under the 合计 (one row per unit, 西安 表13)
    stay as printed, after the report's; a table printing units and no 合计 is read as before, its first unit's."""
    if all(row.level == UNIT_LEVEL for row in rows):
        for row in rows:
            row.level, row.label = None, _THREE_PUBLIC_LABELS.get(row.item, row.item)
    merged: dict[str, TableRow] = {}
    out: list[TableRow] = []
    units: list[TableRow] = []
    for row in rows:
        if row.level == UNIT_LEVEL:
            units.append(row)
            continue
        first = merged.get(row.item) if row.item else None
        if first is None:
            merged[row.item] = row
            out.append(row)
            continue
        for k, cell in enumerate(row.cells):
            if cell.status != CELL_BLANK and first.cells[k].status == CELL_BLANK:
                first.cells[k] = cell
    return out + units


def _unit_name(row: TableRow, row_key: str | None) -> str | None:
    """The unit a row of a horizontal 三公 table is printed for (单位编码 | 单位名称: '121001 西安市信访局'), None for
    the 合计, a 预算数 / 决算数 row or a year's row."""
    label = squeeze(row.label)
    if row_key or row.item or not label or re.search(r"(?:19|20)\d{2}年|合计|总计|小计|^其中", label):
        return None
    code, name = re.fullmatch(r"(\d*)(.*)", f"{row.code or ''}{label}").groups()
    return f"{code} {name}" if code and name else label


def _three_public_rows(
    row: TableRow, panel: list[_Column], values: dict[int, list[tuple[str, Line]]], found: _Found, source: Source
) -> list[TableRow]:
    """A 三公 table row. A horizontal table (item × 预算数/决算数 across the columns) becomes one row per item."""
    amount_unit, keys = found.unit, found.family.columns
    items = [c.item for c in panel if c.role == "value"]
    if any(items) and len(set(i for i in items if i)) > 1:
        out: list[TableRow] = []
        order: list[str] = []
        for c in panel:
            if c.role == "value" and c.item and c.item not in order:
                order.append(c.item)
        row_key = "actual" if "决算" in row.label else "budget" if "预算" in row.label else None  # items across
        unit = _unit_name(row, row_key)
        for item in order:
            cells: list[Cell] = []
            for key in keys:
                k = next((k for k, c in enumerate(panel) if c.role == "value" and c.item == item and
                          (c.key == key or c.key is None and row_key == key)), None)
                cells.append(_cell(key, values.get(k) if k is not None else None, amount_unit, source))
            out.append(TableRow(index=0, label=unit or _THREE_PUBLIC_LABELS.get(item, item), cells=cells, source=source,
                                item=item, level=UNIT_LEVEL if unit else None))
        return out
    # vertical: one row per item, columns 预算数 / 决算数
    row.item = match_item(row.label, found.family_set.three_public_items)
    cells = []
    for key in keys:
        k = next((k for k, c in enumerate(panel) if c.role == "value" and c.key == key), None)
        cells.append(_cell(key, values.get(k) if k is not None else None, amount_unit, source))
    row.cells = cells
    return [row]
