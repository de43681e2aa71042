"""The rows of a PDF table: a row is a band between horizontal rules (or a text line, a name line above a code line
joining it); its code (类/款/项, also split over columns), its name, its cells per column, the summary item or total it
is, and its level by code (rows without codes: :mod:`pdf_table_levels`)."""

from __future__ import annotations

import re

from gongkai.extract.classification_codes import code_level, economic_category, leading_code, parent_code
from gongkai.extract.families import Family, FamilySet, SUMMARY_PANEL_CLASSIFICATIONS
from gongkai.extract.lazy_pattern import lazy_pattern
from gongkai.extract.pdf_table_columns import _panels
from gongkai.extract.pdf_table_layout import _Band, _cell, _Column, _is_numeric, _RowState, _SECTION, _UNIT
from gongkai.extract.pdf_table_locate import _Found
from gongkai.extract.pdf_three_public import _three_public_rows
from gongkai.extract.records import Cell, CELL_BLANK, Line, Source, TableRow
from gongkai.extract.row_items import match_item
from gongkai.extract.text import squeeze


_SUB_HEADINGS = frozenset("类款项")
_ONE_DIGIT = lazy_pattern(r"\d")
_CODE_DIGITS = lazy_pattern(r"\d{2,7}")


def _rows_of_band(
    band: _Band, columns: list[_Column], family: Family, found: _Found, file: str, page: int, state: _RowState
) -> list[TableRow]:
    rows: list[TableRow] = []
    panels = _panels(columns)
    for p_index, panel in enumerate(panels):
        heading = next((c.own_text for c in panel if c.role in ("code", "label")), "")
        has_code_column = any(c.role == "code" for c in panel)  # then a label column's number is no code (单位编码)
        codes: list[tuple[float, float, str, int]] = []  # (baseline, x0, text, column)
        labels: list[tuple[int, float, float, str]] = []  # (column, baseline, x0, text)
        values: dict[int, list[tuple[str, Line]]] = {}
        first_line: Line | None = None
        code_line: Line | None = None
        row_number: int | None = None
        for line, box in band.lines:
            for w in line.words:
                if id(w) in state.merged_words:
                    continue  # a group name printed once for several rows (pdf_table_group_cells)
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
                elif c.role == "code" and _ONE_DIGIT.fullmatch(w.text) and codes:  # 款 '2' printed for '02'
                    codes.append((box.baseline, w.x0, w.text.zfill(2), col))
                elif c.role in ("code", "label") and _CODE_DIGITS.fullmatch(w.text) and (
                        c.role == "code" or not (labels or has_code_column) or code_level(w.text) is not None):
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
            several = sum(c.role == "label" for c in panel) > 1
            state.indent[id(row)] = _name_end(labels, panel) if several else x - panel[col].x0
        if code:
            row.code = code
            row.level = code_level(code)
            row.parent_code = parent_code(code)
            if family.coded == "economic":
                row.category = economic_category(code)
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


def _name_end(labels: list[tuple[int, float, float, str]], panel: list[_Column]) -> float:
    """How far right of the panel's first label column a row's name ends: a tree printed across several label columns
    (江苏 政府采购: 采购品目大类 | 专项名称 | 经济科目 | 采购物品名称) puts each level's name in a column further right,
    wherever in its column the name is aligned."""
    first = next(c.x0 for c in panel if c.role == "label")
    return panel[max(col for col, _, _, _ in labels)].x0 - first


def _label_text(labels: list[tuple[int, float, float, str]], panel: list[_Column]) -> str:
    """A row's name, line by line; names in two label columns (单位名称 | 项目名称, each wrapping on its own) are read
    column by column and kept apart by a space."""
    columns = sorted({col for col, _, _, _ in labels})
    if len(columns) > 1 and all(panel[col].role == "label" for col in columns):
        return " ".join(_cell_text(sorted(w for w in labels if w[0] == col)) for col in columns)
    return "".join(t for _, _, _, t in sorted(labels, key=lambda w: (w[1], w[2])))


def _cell_text(words: list[tuple[int, float, float, str]]) -> str:
    """One column's words of a row, run together — but two numbers printed apart on one line keep their space
    (实施采购时间 2026-10-31 08:00:00)."""
    text = ""
    previous = None
    for word in words:
        if previous is not None and abs(word[1] - previous[1]) < 1 and text[-1:].isdigit() and word[3][:1].isdigit():
            text += " "
        text += word[3]
        previous = word
    return text


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
