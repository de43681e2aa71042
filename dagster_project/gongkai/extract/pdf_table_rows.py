"""The rows of a PDF table: a row is a band between horizontal rules (or a text line, a name line above a code line
joining it); its code (类/款/项, also split over columns), its name, its cells per column, the summary item or total it
is, and its level (by code, or by the indent of its name)."""

from __future__ import annotations

import re

from gongkai.extract.families import (
    code_level,
    COUNT_COLUMNS,
    Family,
    FamilySet,
    leading_code,
    match_item,
    parent_code,
    SUMMARY_PANEL_CLASSIFICATIONS,
)
from gongkai.extract.pdf_document import PageGeometry
from gongkai.extract.pdf_table_columns import _panels
from gongkai.extract.pdf_table_layout import (
    _Band,
    _cell,
    _Column,
    _is_numeric,
    _merge,
    _NUMBERED,
    _overlap,
    _RowState,
    _SECTION,
    _UNIT,
)
from gongkai.extract.pdf_table_locate import _Found
from gongkai.extract.pdf_three_public import _three_public_rows
from gongkai.extract.records import Cell, CELL_BLANK, CELL_VALUE, Line, Source, TableRow
from gongkai.extract.text import is_amount, squeeze


_SUB_HEADINGS = frozenset("类款项")


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
    the level of each is the rank of its name's indent among the table's indents, per side (类 = 1, 款 = 2, 项 = 3)."""
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


def _wrapped_over_the_page(rows: list[TableRow], new: list[TableRow], found: _Found) -> list[TableRow]:
    """The first row of a continuation page that only ends a name begun on the page before ('十七、国土海洋气象等支' /
    '出'): a few characters, no number, no code, no amounts, under a row of the same side that has no amounts either
    — or that has, where the whole first row of the page prints no amount (a row broken by the page: '八、社会保障和就'
    with its amount / '业支出', '当年收入' / '小计'); a summary's joined name is read again for its item."""
    kept: list[TableRow] = []
    broken = not any(_has_values(row) for row in new)
    for row in new:
        previous = next((r for r in reversed(rows) if r.side == row.side), None)
        if (previous is not None and row.label and len(squeeze(row.label)) <= 6 and not row.code and not row.item
                and not previous.code and not _NUMBERED.match(squeeze(row.label)) and not _has_values(row)
                and (broken or not _has_values(previous))):
            previous.label += row.label
            if found.family.layout == "summary" and previous.item is None:  # '当年收入' + '小计' is 本年收入合计
                previous.item = match_item(squeeze(previous.label), found.family_set.summary_items)
            continue
        kept.append(row)
    return kept


def _repeated_total(row: TableRow, rows: list[TableRow]) -> bool:
    """The 合计 row printed again under the repeated header of a continuation page, with the same amounts (a unit's
    own 三公 total, with a level, is none)."""
    if row.item != "total" or row.code or row.level:
        return False
    values = [c.value for c in row.cells]
    return any(r.item == "total" and not r.code and not r.level and [c.value for c in r.cells] == values for r in rows)


def _join_unruled(body: list[_Band]) -> list[_Band]:
    """Without rules, a text-only line belongs to the row it sits closer to: the first part of the name of the code
    line below it, or the end of a name that wrapped, printed just under its row's amounts."""
    out: list[_Band] = []
    pending: _Band | None = None
    for index, band in enumerate(body):
        text = band.lines[0][0].text
        has_number = any(is_amount(w.text) for w in band.lines[0][0].words)
        if not has_number and not leading_code(text):
            if pending is not None:
                out.append(pending)
                pending = None
            if out and _closer_to_previous(out[-1], band, body[index + 1] if index + 1 < len(body) else None):
                out[-1] = _Band(out[-1].top, band.bottom, out[-1].lines + band.lines)
            else:
                pending = band
            continue
        if pending is not None and leading_code(text):
            band = _Band(pending.top, band.bottom, pending.lines + band.lines)
        elif pending is not None:
            out.append(pending)
        pending = None
        out.append(band)
    if pending is not None:
        out.append(pending)
    return out


def _closer_to_previous(previous: _Band, band: _Band, following: _Band | None) -> bool:
    """A wrapped name's last line: nearer the row above (which holds amounts) than the row below."""
    if not any(is_amount(w.text) for line, _ in previous.lines for w in line.words):
        return False
    gap_above = band.top - previous.lines[-1][1].top
    gap_below = following.top - band.top if following is not None else float("inf")
    return gap_above < gap_below - 2


def _rows_of_band(
    band: _Band, columns: list[_Column], family: Family, found: _Found, file: str, page: int, state: _RowState
) -> list[TableRow]:
    rows: list[TableRow] = []
    panels = _panels(columns)
    for p_index, panel in enumerate(panels):
        heading = next((c.own_text for c in panel if c.role in ("code", "label")), "")
        codes: list[tuple[float, float, str, int]] = []  # (baseline, x0, text, column)
        labels: list[tuple[int, float, float, str]] = []  # (column, baseline, x0, text)
        values: dict[int, list[tuple[str, Line]]] = {}
        first_line: Line | None = None
        code_line: Line | None = None
        row_number: int | None = None
        for line, box in band.lines:
            for w in line.words:
                if id(w) in state.merged_words:
                    continue  # a group name printed once for several rows (_merged_label_cells)
                mid = (w.x0 + w.x1) / 2
                col = next((k for k, c in enumerate(panel) if c.x0 - 0.5 <= mid <= c.x1 + 0.5), None)
                if col is None:
                    continue
                c = panel[col]
                if c.role == "row_number":
                    row_number = int(w.text) if w.text.isdigit() else row_number
                    continue
                if c.role == "note":  # 绩效目标: prose beside a project's amounts, not its name
                    continue
                first_line = first_line or line
                if c.role == "value" and _is_numeric(w.text):
                    values.setdefault(col, []).append((w.text, line))
                elif c.role == "code" and w.text in _SUB_HEADINGS or c.role == "label" and w.text in _SUB_HEADINGS \
                        and _SUB_HEADINGS <= {word.text for word in line.words}:
                    continue  # the 类 款 项 sub-headings of the code column, printed beside the first 合计
                elif c.role == "code" and re.fullmatch(r"\d", w.text) and codes:  # 款 '2' printed for '02'
                    codes.append((box.baseline, w.x0, w.text.zfill(2), col))
                elif c.role in ("code", "label") and re.fullmatch(r"\d{2,7}", w.text) and (
                        c.role == "code" or not labels or code_level(w.text) is not None):
                    # a code printed beside a name that wraps over two or three lines sits inside the name's lines
                    codes.append((box.baseline, w.x0, w.text, col))
                    code_line = code_line or line
                else:
                    labels.append((col, box.baseline, w.x0, w.text))
        if first_line is None:
            continue
        code = _code_of(codes, panel, state)
        label = _label_text(labels, panel)
        if code is None and label:
            split = leading_code(label)
            if split and len(split[0]) in (3, 5, 7):
                code, label = split
        if code is not None and code_level(code) is None:
            label = code + label
            code = None
        if not code and not label and not values:
            continue
        if not code and not values and family.coded and not label.endswith(("合计", "总计")):
            continue  # notes and repeated header text inside the grid
        if _SECTION.search(label) or _UNIT.search(label):
            continue
        row_line = code_line or (values[min(values)][0][1] if values else first_line)
        source = row_line.source(file)
        cells = _cells(panel, values, family, found.unit, source)
        row = TableRow(index=0, label=label, cells=cells, source=source, row_number=row_number)
        if labels:
            col, _, x, _ = min(labels, key=lambda word: (word[1], word[2]))  # where the name starts
            state.indent[id(row)] = x - panel[col].x0
        if code:
            row.code = code
            row.level = code_level(code)
            row.parent_code = parent_code(code)
            if family.coded == "economic":
                row.category = "personnel" if code[:3] in ("301", "303") else "public"
        else:
            _label_row(row, family, p_index, state, found.family_set)
            if family.layout == "summary" and len(panels) > 2:  # several expenditure panels
                row.category = _panel_classification(heading)
        if family.layout == "three_public":
            for out in _three_public_rows(row, panel, values, found, source):
                if (year := re.search(r"((?:19|20)\d{2})\s*年", row.label)) is not None:
                    state.year[id(out)] = int(year.group(1))
                rows.append(out)
            continue
        rows.append(row)
    return _label_spanning_panels(rows)


def _label_spanning_panels(rows: list[TableRow]) -> list[TableRow]:
    """A label printed across the next panel's label column (当年支出小计 over the 功能分类 and 支出用途 panels of a
    three-panel summary): its amounts are those of the next panel, whose row prints no name of its own."""
    out: list[TableRow] = []
    for row in rows:
        previous = out[-1] if out else None
        if (previous is not None and previous.label and not row.label and not row.code and not previous.code
                and previous.side == row.side and not _has_values(previous) and _has_values(row)):
            previous.cells, previous.source = row.cells, row.source
            continue
        out.append(row)
    return out


def _has_values(row: TableRow) -> bool:
    return any(cell.status != CELL_BLANK for cell in row.cells)


def _label_text(labels: list[tuple[int, float, float, str]], panel: list[_Column]) -> str:
    """A row's name, line by line; names in two label columns (单位名称 | 项目名称, each wrapping on its own) are read
    column by column and kept apart by a space."""
    columns = sorted({col for col, _, _, _ in labels})
    if len(columns) > 1 and all(panel[col].role == "label" for col in columns):
        return " ".join("".join(t for _, _, _, t in sorted(w for w in labels if w[0] == col)) for col in columns)
    return "".join(t for _, _, _, t in sorted(labels, key=lambda w: (w[1], w[2])))


def _code_of(codes: list[tuple[float, float, str, int]], panel: list[_Column], state: _RowState) -> str | None:
    """A row's code from its code words, left to right. Where the code is printed in separate 类 / 款 / 项 columns, a
    row that prints only its own digits (款 '40' under 类 '201', 项 '01' under 款 '20140') takes the code of the row
    above it in the column to the left."""
    if not codes:
        return None
    code = "".join(t for _, _, t, _ in sorted(codes, key=lambda t: (t[1], t[0])))
    columns = [k for k, c in enumerate(panel) if c.role == "code"]
    used = sorted({columns.index(col) for _, _, _, col in codes if col in columns})
    if len(columns) < 2 or not used:
        return code
    label_after = next((k for k in range(columns[used[0]] + 1, len(panel)) if panel[k].role == "label"), len(panel))
    first_value = next((k for k, c in enumerate(panel) if c.role == "value"), len(panel))
    label_after = min(label_after, first_value)
    if any(columns[u] > label_after for u in used):
        # a second classification's code after its own name or after amounts (部门经济科目 | 政府经济科目, 烟台, 西安; a
        # 政府采购 item's 经济科目 after its 数量, 西安 表12): the first is the row's
        code = "".join(t for _, _, t, col in sorted(codes, key=lambda t: (t[1], t[0])) if col < label_after)
        used = [u for u in used if columns[u] < label_after]
    if used[0] > 0 and len(code) == 2 and used[0] - 1 in state.above:
        code = state.above[used[0] - 1] + code
    if used[-1] < len(columns) - 1:
        state.above[used[-1]] = code
        for deeper in range(used[-1] + 1, len(columns)):
            state.above.pop(deeper, None)
    return code


def _cells(panel: list[_Column], values: dict[int, list[tuple[str, Line]]], family: Family, unit: str, source: Source) -> list[Cell]:
    cells: list[Cell] = []
    seen: set[str] = set()
    for k, c in enumerate(panel):
        if c.role != "value" or c.key is None or c.key in seen or family.layout == "three_public":
            continue
        seen.add(c.key)
        cells.append(_cell(c.key, values.get(k), unit, source))
    return cells


def _panel_classification(heading: str) -> str | None:
    """The classification a summary's expenditure panel lists its lines by, from the panel's own heading (西安
    部门综合预算收支总表: 支出功能分类科目 | 部门预算支出经济分类科目 | 政府预算支出经济分类科目, each with its 预算数):
    what tells the panels of one side apart. A side printed as one panel needs none (收入 | 支出 of a final)."""
    return next((key for key, pattern in SUMMARY_PANEL_CLASSIFICATIONS if pattern.search(heading)), None)


def _label_row(row: TableRow, family: Family, panel: int, state: _RowState, family_set: FamilySet) -> None:
    compact = squeeze(row.label)
    if family.layout == "summary":
        row.side = "income" if panel == 0 else "expenditure"
        item = match_item(compact, family_set.summary_items)
        if item in ("carryover_begin", "carryover_end", "non_appropriation_surplus_used"):
            state.carry[panel] = item
        elif item in ("income_total", "expenditure_total", "grand_total", "surplus_distribution"):
            state.carry.pop(panel, None)
        elif item and panel in state.carry:  # a fund's line under 年初/年末结转和结余, numbered (一、) or not
            item = f"{state.carry[panel]}.{item}"
        if item and compact.startswith("其中"):
            item = f"of_which.{item}"  # a part of the line above (其中：政府性基金预算财政拨款), not a line of its own
        row.item = item
    elif family.coded == "economic":
        if "人员经费" in compact:
            row.item, row.category = "personnel_total", "personnel"
        elif "公用经费" in compact:
            row.item, row.category = "public_total", "public"
        elif re.search(r"合计$|^总计", compact):
            row.item = "total"
    elif family.items is not None:  # a supplementary table's labelled rows (机构运行经费, 车辆数, 政府采购 …)
        row.item = match_item(compact, family.items)
    elif re.search(r"^合计$|^(?:收入|支出)?总计$|^合计", compact):
        row.item = "total"


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
