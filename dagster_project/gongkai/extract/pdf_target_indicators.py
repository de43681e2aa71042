"""The indicator rows (绩效指标) of a performance-target table (绩效目标表) printed as a ruled grid.

The columns are found by their headings in the row of the 三级指标 (指标名称, 指标内容) heading: 一级指标, 二级指标,
指标值, 运算符号 / 指标性质 / 指标值类型, 度量单位 / 计量单位, 分值 / 权重; where no 分值 column is printed, a 备注 cell
that holds nothing but a number is the indicator's weight (长沙's list prints its 分值 there). One indicator per ruled
row of the 三级指标 column; a merged 一级/二级 box names every row it spans. A target that is a number (≥95%, ≤50万元,
20门) also gets its comparator, value and unit (:func:`parse_target`); the comparators are those of the
self-evaluation forms.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gongkai.extract.lazy_pattern import lazy_pattern
from gongkai.extract.pdf_grid import Grid
from gongkai.extract.pdf_performance_indicators import _OPERATORS, _level_name, _number
from gongkai.extract.records import TargetIndicator
from gongkai.extract.text import squeeze

if TYPE_CHECKING:
    from gongkai.extract.pdf_performance import _Form

_LEVEL3 = lazy_pattern(r"^(?:三级指标|指标名称|指标内容)$")
_COLUMNS = (
    ("level1", lazy_pattern(r"^一级指标$")),
    ("level2", lazy_pattern(r"^二级指标$")),
    ("level3", _LEVEL3),
    ("operator", lazy_pattern(r"^(?:运算)?符号$|^指标性质$|^指标值类型$")),
    ("target", lazy_pattern(r"^(?:年度)?(?:指标值|目标值)(?!内容|类型|说明|解释)")),  # 指标值（包含数字及文字描述）
    ("unit", lazy_pattern(r"^(?:度量|计量)单位$")),
    ("weight", lazy_pattern(r"^(?:分值|(?:指标)?权重|分值权重)")),
    ("remark", lazy_pattern(r"^备注$")),
)
_COMPARATOR = r"≥|≧|⩾|>=|＞＝|≤|≦|⩽|<=|＜＝|>|＞|<|＜|=|＝"
_NUMERIC_TARGET = lazy_pattern(
    rf"^(?P<op>{_COMPARATOR})?(?P<value>-?\d[\d,]*(?:\.\d+)?)(?P<unit>[^\d\s，。；;,、：:（）()]{{0,8}})$")
_ALONE_COMPARATOR = lazy_pattern(rf"^(?:{_COMPARATOR})$")
_MORE_OPERATORS = {"⩾": ">=", "⩽": "<="}
_SAME_ROW = 3.0
_WEIGHT_TOTAL = lazy_pattern(r"（(?P<total>\d+(?:\.\d+)?|%)分?）$")  # points: heading boxes of one row share its top and bottom


@dataclass(slots=True)
class Columns:
    """Where the indicator columns are: key → x of the heading's centre; the heading row's part and bottom."""

    part: int
    bottom: float
    xs: dict[str, float]
    heading: str
    weight_total: float | None = None  # the total the 分值 heading prints: 分值（90）, 指标权重（%） = 100


def indicator_columns(form: _Form) -> Columns | None:
    """The indicator columns of a form, from the headings in the row of its 三级指标 heading."""
    found = form.find(_LEVEL3)
    if found is None:
        return None
    grid = form.parts[found.part].grid
    row = [box for box in grid.boxes()
           if abs(box.top - found.box.top) <= _SAME_ROW and abs(box.bottom - found.box.bottom) <= _SAME_ROW]
    xs: dict[str, float] = {}
    weight_total = None
    for box in sorted(row, key=lambda b: b.x0):
        text = squeeze(grid.text(box))
        key = next((key for key, pattern in _COLUMNS if key not in xs and pattern.search(text)), None)
        if key is not None:
            xs[key] = box.cx
        if key == "weight":
            weight_total = _weight_total(text)
    return Columns(found.part, found.box.bottom, xs, squeeze(grid.text(found.box)), weight_total)


def _weight_total(heading: str) -> float | None:
    """分值（90） / 分值权重（90分） → 90; 指标权重（%） → 100; a heading without a total → None."""
    match = _WEIGHT_TOTAL.search(heading.replace("(", "（").replace(")", "）"))
    if match is None:
        return None
    return 100.0 if match["total"] == "%" else float(match["total"])


def row_texts(grid: Grid, xs: dict[str, float], y: float) -> dict[str, str]:
    return {key: grid.text_at(x, y) for key, x in xs.items()}


def indicator_rows(form: _Form, columns: Columns, grouped: bool = False):
    """The indicators under the heading row, in order; ``grouped``: (part, [(y, indicator or None)]) per part."""
    if grouped:
        return list(_rows_by_part(form, columns))
    return [indicator for _, rows in _rows_by_part(form, columns) for _, indicator in rows if indicator is not None]


def _rows_by_part(form: _Form, columns: Columns) -> Iterator[tuple[int, list]]:
    levels: list[str | None] = [None, None]
    x3 = columns.xs["level3"]
    for index in range(columns.part, len(form.parts)):
        grid = form.parts[index].grid
        top = columns.bottom if index == columns.part else grid.top
        bounds = grid.row_bounds(x3, top, grid.bottom)
        table_top = next((upper for upper, lower in bounds if grid.box_at(x3, (upper + lower) / 2)), None)
        rows = []
        for upper, lower in bounds:
            y = (upper + lower) / 2
            texts = row_texts(grid, columns.xs, y)
            if squeeze(texts["level3"]) == columns.heading:
                continue  # the heading repeated on a new page
            cut = tuple(index > columns.part and _starts_at(grid, columns.xs.get(key, x3), y, table_top)
                        for key in ("level1", "level2"))
            rows.append((y, _indicator(grid, columns, texts, y, levels, cut, form.file)))
        yield index, rows


def _starts_at(grid: Grid, x: float, y: float, top: float | None) -> bool:
    """Whether the box through (x, y) starts at the top of the table on its page: a merged box cut by the page
    break."""
    box = grid.box_at(x, y)
    return box is not None and top is not None and abs(box.top - top) <= 2


def _indicator(grid: Grid, columns: Columns, texts: dict[str, str], y: float, levels: list[str | None],
               cut: tuple[bool, bool], file: str) -> TargetIndicator | None:
    """One row; None for a row with neither an indicator name nor a target (a project's total line)."""
    level3 = squeeze(texts["level3"])
    target = squeeze(texts.get("target", ""))
    if not level3 and not target:
        return None
    level1 = _level_name(texts.get("level1")) or (levels[0] if cut[0] else None)
    level2 = _level_name(texts.get("level2")) or (levels[1] if cut[1] else None)
    levels[:] = [level1, level2]
    comparator, value, unit = parse_target(target or None, texts.get("operator"), texts.get("unit"))
    source = grid.source(file, grid.box_at(columns.xs["level3"], y), grid.box_at(columns.xs.get("target", 0), y))
    return TargetIndicator(level1=level1, level2=level2, level3=level3, target_text=target or None,
                           comparator=comparator, target_value=value, target_unit=unit,
                           weight=_number(texts.get("weight", texts.get("remark"))), source=source)


def parse_target(text: str | None, operator: str | None = None,
                 unit: str | None = None) -> tuple[str | None, float | None, str | None]:
    """'≤50万元' → ('<=', 50.0, '万元'); '20门' → (None, 20.0, '门'); '显著' → (None, None, None). A comparator or
    unit printed in a column of its own (指标性质 ≥, 计量单位 %) is used where the target does not print one."""
    printed_op = squeeze(operator or "")
    column_op = _comparator(printed_op) if _ALONE_COMPARATOR.match(printed_op) else None
    column_unit = squeeze(unit or "") or None
    if text is None:
        return column_op, None, column_unit
    match = _NUMERIC_TARGET.match(squeeze(text))
    if match is None:
        return column_op, None, column_unit
    comparator = _comparator(match["op"]) if match["op"] else column_op
    return comparator, float(match["value"].replace(",", "")), match["unit"] or column_unit


def _comparator(symbol: str) -> str:
    return _MORE_OPERATORS.get(symbol) or _OPERATORS.get(symbol, symbol)

