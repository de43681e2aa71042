"""Group names printed once in a label cell merged over several rows (江苏 公开02表: 一般公共预算资金 over its 小计,
公共财政拨款 and 专项收入 rows): found from the rules, kept apart from the rows' own names, and given to their rows."""

from __future__ import annotations

from gongkai.extract.pdf_document import PageGeometry
from gongkai.extract.pdf_table_layout import _Band, _Column, _overlap, _RowState
from gongkai.extract.records import TableRow
from gongkai.extract.text import squeeze


def _merged_label_cells(geo: PageGeometry, body: list[_Band], columns: list[_Column], state: _RowState
                        ) -> dict[int, tuple[float, str]]:
    """Group names in a label column left of the rows' own names, each in a cell that may be merged over several
    rows (江苏 公开02表: 一般公共预算资金 over its 小计, 公共财政拨款 and 专项收入 rows; the rule between two of its rows
    does not cross that column): band index → (the cell's top, the group name). The name's words are no row's own
    label (state.merged_words)."""
    groups: dict[int, tuple[float, str]] = {}
    for column in _group_columns(geo, body, columns):
        for cell in _cells_down(geo, body, column):
            words = [(box.top, w.x0, w) for n in cell for line, box in body[n].lines for w in line.words
                     if column.x0 <= (w.x0 + w.x1) / 2 <= column.x1]
            if not words:
                continue
            state.merged_words.update(id(w) for _, _, w in words)
            name = "".join(w.text for _, _, w in sorted(words, key=lambda word: (word[0], word[1])))
            for n in cell:
                groups[n] = (body[cell[0]].top, name)
    return groups


def _group_columns(geo: PageGeometry, body: list[_Band], columns: list[_Column]) -> list[_Column]:
    """The left part of a label column that a vertical rule splits below a row printed across it (收入总计 over the
    group and item columns of 江苏 公开02表), where some cell of that part spans several rows: a column of group
    names beside the rows' own names."""
    found: list[_Column] = []
    for column in columns:
        if column.role != "label":
            continue
        split = sorted({x for x, top, bottom in geo.v_rules if column.x0 + 7 < x < column.x1 - 7
                        and any(top - 1 <= (band.top + band.bottom) / 2 <= bottom + 1 for band in body)})
        if split:
            part = _Column(column.x0, split[0], role="label")
            if any(len(cell) > 1 for cell in _cells_down(geo, body, part)):
                found.append(part)
    return found


def _cells_down(geo: PageGeometry, body: list[_Band], column: _Column) -> list[list[int]]:
    """The cells of a column from top to bottom, each as the body bands it spans: a horizontal rule across the
    column between two bands ends a cell."""
    cells: list[list[int]] = [[0]] if body else []
    for n in range(1, len(body)):
        covered = sum(_overlap(x0, x1, column.x0, column.x1) for y, x0, x1 in geo.h_rules if abs(y - body[n].top) <= 1.5)
        if covered >= 0.5 * (column.x1 - column.x0):
            cells.append([n])
        else:
            cells[-1].append(n)
    return cells


def _rows_under_merged_cells(rows: list[TableRow], state: _RowState) -> None:
    """The rows of one group cell: its 小计 row is the group (named after it, level 1) and the others its parts
    (level 2); without a 小计 each row's name is given after the group's, as two label columns are read."""
    groups: dict[tuple[int, float, str], list[TableRow]] = {}
    for row in rows:
        if id(row) in state.group:
            groups.setdefault(state.group[id(row)], []).append(row)
    for (_, _, name), members in groups.items():
        subtotal = next((row for row in members if squeeze(row.label) in ("小计", "合计")), None)
        for row in members:
            if subtotal is None:
                row.label = f"{name} {row.label}" if row.label else name
            elif row is subtotal:
                row.label, row.level = name, 1
            else:
                row.level = 2
