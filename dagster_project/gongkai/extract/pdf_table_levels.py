"""Where the rows of a PDF table sit in its tree when no code tells: the level of each by the indent of its name, or by
its amount being the sum of the rows under it; and a unit's row printed in place of the 合计 as the table's total."""

from __future__ import annotations

from gongkai.extract.families import COUNT_COLUMNS, Family
from gongkai.extract.pdf_table_layout import _merge, _RowState
from gongkai.extract.pdf_table_rows import _has_values
from gongkai.extract.records import CELL_VALUE, TableRow


def _unit_row_as_total(rows: list[TableRow], family: Family) -> None:
    """A coded table whose first row names the unit instead of 合计 (深圳市财政局（本级） above 201 …), or prints its
    amounts under no name at all (江苏 公开03表, one row): that row is the table's total."""
    if not family.coded or not rows or any(row.item == "total" for row in rows):
        return
    first = rows[0]
    if not first.code and _has_values(first) and (any(row.code for row in rows[1:]) or not first.label):
        first.item = "total"


def _levels_by_indent(rows: list[TableRow], family: Family, state: _RowState) -> None:
    """Rows printed without codes (科学技术支出 / 　技术研究与开发 / 　　科技成果转化与扩散; a unit / 　　its projects):
    the level of each is the rank of its name's indent among the table's indents, per side (类 = 1, 款 = 2, 项 = 3); in
    a table naming its rows across several label columns, of the column its name ends in (pdf_table_rows._name_end)."""
    if family.coded == "economic" or any(row.code for row in rows):
        return
    named = [row for row in rows if not row.item and row.label and id(row) in state.indent]
    for side in {row.side for row in named}:
        indents = _merge(sorted(state.indent[id(row)] for row in named if row.side == side), tol=3.0)
        if len(indents) < 2:
            continue
        for row in named:
            if row.side == side:
                row.level = 1 + max(k for k, x in enumerate(indents) if x <= state.indent[id(row)] + 3.0)


_NESTING_TOLERANCE = 1e-4  # 万元: sums of amounts printed to the 分 (元 / 10,000 keeps six decimals)
_NESTING_STEPS = 20_000  # a long flat list of amounts could be tried many ways: beyond this, no levels


class _TooManyWays(Exception):
    pass


def _levels_by_sums(rows: list[TableRow], family: Family) -> None:
    """A tree printed without codes or indents (西安 专项业务经费支出表: the unit, 通用项目 / 专用项目, each project and
    its items, every name at one x): a row whose amount is the sum of the rows right under it is their parent. Set
    only where no level was read otherwise and the whole table nests so, every amount exactly, under its 合计."""
    if family.coded or family.layout or any(row.level for row in rows if not row.code):
        return
    total = next((row for row in rows if row.item == "total"), None)
    body = [row for row in rows if row is not total]
    amounts = [_first_amount(row) for row in body]
    if total is None or len(body) < 3 or any(a is None for a in amounts) or _first_amount(total) is None:
        return
    steps = [_NESTING_STEPS]
    try:
        levels = next((levels for end, levels in _forest(amounts, 0, _first_amount(total), 1, steps)
                       if end == len(body)), None)
    except _TooManyWays:
        return
    if levels is not None and max(levels) > 1:
        for row, level in zip(body, levels):
            row.level = level


def _first_amount(row: TableRow) -> float | None:
    """The row's first amount (a 数量 is a count, no amount)."""
    return next((cell.value for cell in row.cells if cell.status == CELL_VALUE and cell.column not in COUNT_COLUMNS),
                None)


def _forest(amounts: list[float], start: int, target: float, level: int, steps: list[int]):
    """Every way rows from ``start`` on make siblings (each with the rows under it) whose amounts add up to
    ``target``: (the index after them, their levels)."""
    steps[0] -= 1
    if steps[0] < 0:
        raise _TooManyWays
    if abs(target) < _NESTING_TOLERANCE:
        yield start, []
        return
    if start >= len(amounts) or target < -_NESTING_TOLERANCE:
        return
    for end, levels in _subtree(amounts, start, level, steps):
        for after, rest in _forest(amounts, end, target - amounts[start], level, steps):
            yield after, levels + rest


def _subtree(amounts: list[float], start: int, level: int, steps: list[int]):
    """A row with the rows under it (first) or alone."""
    for end, levels in _forest(amounts, start + 1, amounts[start], level + 1, steps):
        if end > start + 1:
            yield end, [level, *levels]
            break
    yield start + 1, [level]
