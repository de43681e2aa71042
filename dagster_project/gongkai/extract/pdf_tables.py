"""Reading the standard tables of a PDF report from its geometry: the tables are located (:mod:`pdf_table_locate`), and
each is read segment by segment, page by page: the row bands between horizontal rules (or the text lines), the header
above the first row with amounts, the columns and what each holds (:mod:`pdf_table_columns`), then the rows
(:mod:`pdf_table_rows`; the 三公 table by :mod:`pdf_three_public`), joined where broken over lines or pages
(:mod:`pdf_table_row_joins`), under merged group cells (:mod:`pdf_table_group_cells`), and given levels where no code
tells (:mod:`pdf_table_levels`). A family found twice in one report is one table.
"""

from __future__ import annotations

import re
from pathlib import Path

from gongkai.extract.classification_codes import leading_code
from gongkai.extract.families import COUNT_COLUMNS, COUNT_ITEMS, Family, FamilySet, FINAL_TABLES, SUPPLEMENTARY_KEYS
from gongkai.extract.pdf_document import LineBox, PageGeometry, read_pdf
from gongkai.extract.pdf_table_columns import (
    _column_content,
    _assign_header,
    _classify,
    _columns_from_content,
    _columns_from_rules,
    _columns_from_words,
    _is_row_label,
    _looks_header,
    _repeats_header,
    _reuse,
)
from gongkai.extract.pdf_table_layout import (
    _Band,
    _band_has_data,
    _Column,
    _is_column_numbers,
    _merge,
    _NOTE,
    _PAGE_NUMBER,
    _RowState,
    _UNIT,
)
from gongkai.extract.pdf_table_locate import _find_tables, _Found, _Segment, _titles
from gongkai.extract.pdf_table_group_cells import _merged_label_cells, _rows_under_merged_cells
from gongkai.extract.pdf_table_levels import _levels_by_indent, _levels_by_sums, _unit_row_as_total
from gongkai.extract.pdf_table_row_joins import _join_unruled, _repeated_total, _wrapped_over_the_page
from gongkai.extract.pdf_table_rows import _rows_of_band
from gongkai.extract.pdf_three_public import _by_year, _merge_item_rows
from gongkai.extract.records import CELL_VALUE, Document, Line, ParseIssue, Table, TableRow
from gongkai.extract.text import parse_amount, squeeze


_NEXT_PART = re.compile(r"^\s*第[一二三四五六七八九十]+部分")
_EMPTY_NOTE = re.compile(r"无数据|无.*(收入|支出).*故|为空表|本表为空")
_FIRST_ROWS = 5  # a table's first rows: the rules crossing them split a column its first row spans


def read_pdf_tables(
    document: Document,
    pdf_path: str | Path | None = None,
    geometry: list[PageGeometry] | None = None,
    family_set: FamilySet = FINAL_TABLES,
) -> tuple[list[Table], list[ParseIssue]]:
    """The standard tables of a PDF report read by :func:`gongkai.extract.pdf_document.read_pdf_document`: those of
    ``family_set`` (a final's tables unless told otherwise)."""
    if geometry is None:
        geometry = document.geometry
    if geometry is None:
        _, geometry = read_pdf(pdf_path or document.file)
    issues: list[ParseIssue] = []
    tables: list[Table] = []
    by_page = {geo.page: geo for geo in geometry}
    for found in _find_tables(geometry, document.file, family_set):
        try:
            table = _read_table(found, geometry, document.file, issues)
            if table.rows or not _lists_titles(by_page[found.source.page], family_set):
                tables.append(table)
        except Exception as exc:  # one broken table must not lose the others
            issues.append(ParseIssue("error", "table_unreadable", f"{found.family.key}: {type(exc).__name__}: {exc}", found.source))
    return _one_table_per_family(tables, issues), issues


def _lists_titles(geo: PageGeometry, family_set: FamilySet) -> bool:
    """A contents page (目录): three or more of its lines are table titles. A title there with no rows under it is a
    line of the contents, not a table — the tables may be published in a file of their own."""
    return sum(family is not None for family in _titles(geo.lines, family_set)) >= 3


def _one_table_per_family(tables: list[Table], issues: list[ParseIssue]) -> list[Table]:
    """A family found again right after itself (a title repeated on a page the reader did not take for a continuation,
    or two titles it cannot tell apart) is one table; found again after other tables, it is a second set (本级, a
    unit's): not read, a warning. One table: the later rows follow the earlier ones under distinct row indices,
    so (report, family, row, column) stays a key; the marts keep the first row of each code or item. A warning says
    which pages were joined. A title with no cells under it (a line of the table of contents) gives way to the table."""
    first_of: dict[str, Table] = {}
    previous_family, skipping = None, False  # skipping: the table before was a second set's, not read
    for table in tables:
        adjacent, previous_family = table.family == previous_family, table.family
        first = first_of.setdefault(table.family, table)
        if first is table:
            skipping = False
            continue
        if not _has_cells(first):
            first_of[table.family] = table
            continue
        if not _has_cells(table):
            continue
        if skipping and adjacent or not adjacent:  # after other tables: a second set (本级, a unit's)
            if not adjacent:
                issues.append(ParseIssue("warning", "second_table_set",
                                         f"{table.family}: a second {table.title} on page {table.source.page}, after "
                                         "other tables: a second set of tables (本级 or a unit's) is not read",
                                         table.source))
            skipping = True
            continue
        offset = max((row.index for row in first.rows), default=-1) + 1
        for row in table.rows:
            row.index += offset
        first.rows.extend(table.rows)
        first.is_empty = first.is_empty and table.is_empty
        issues.append(ParseIssue("warning", "table_repeated",
                                 f"{table.family}: the {table.title} on page {table.source.page} is read as more rows "
                                 f"of the one on page {first.source.page}", table.source))
    return list(first_of.values())


def _has_cells(table: Table) -> bool:
    return any(row.cells for row in table.rows)


def _segment_lines(geo: PageGeometry, seg: _Segment) -> list[tuple[Line, LineBox]]:
    return [
        (l, b)
        for l, b in zip(geo.lines, geo.boxes)
        if b.top >= seg.top - 0.5 and b.bottom <= seg.bottom + 0.5 and not (_PAGE_NUMBER.match(l.text) and b.top > geo.height * 0.85)
    ]


def _bands(geo: PageGeometry, seg: _Segment, lines: list[tuple[Line, LineBox]]) -> tuple[list[_Band], bool]:
    """Row bands between horizontal rules (ruled=True) or one band per text line."""
    hs = _merge([y for y, x0, x1 in geo.h_rules if seg.top - 1 <= y <= seg.bottom + 1 and x1 - x0 > 20])
    if len(hs) >= 3:
        bands = [_Band(a, b) for a, b in zip(hs, hs[1:]) if b - a > 3]
        for line, box in lines:
            mid = (box.top + box.bottom) / 2
            for band in bands:
                if band.top <= mid <= band.bottom:
                    band.lines.append((line, box))
                    break
        return [b for b in bands if b.lines], True
    return [_Band(b.top, b.bottom, [(l, b)]) for l, b in lines], False


def _before_note(body: list[_Band]) -> list[_Band]:
    """The rows of an unruled table end at its note (注：…), which may run over several lines."""
    return _before(body, _NOTE)


def _before(body: list[_Band], end_mark: re.Pattern[str]) -> list[_Band]:
    end = next((i for i, band in enumerate(body) if end_mark.match(band.lines[0][0].text)), len(body))
    return body[:end]


def _read_table(found: _Found, geometry: list[PageGeometry], file: str, issues: list[ParseIssue]) -> Table:
    family = found.family
    by_page = {g.page: g for g in geometry}
    rows: list[TableRow] = []
    columns: list[_Column] | None = None
    empty_note = False
    state = _RowState()
    header_text: str | None = None  # the header the columns were read from, as printed
    for seg in found.segments:
        geo = by_page[seg.page]
        lines = _segment_lines(geo, seg)
        if any(_EMPTY_NOTE.search(squeeze(l.text)) for l, _ in lines):
            empty_note = True
        bands, ruled = _bands(geo, seg, lines)
        if ruled:
            # text above the grid (unit line, 续表) is not part of it
            first_data = next((i for i, b in enumerate(bands) if _band_has_data(b)), None)
        else:
            bands = [b for b in bands if not _UNIT.search(squeeze(b.lines[0][0].text))]
            first_data = next((i for i, b in enumerate(bands) if _band_has_data(b) or leading_code(b.lines[0][0].text)), None)
        if first_data is None:
            continue
        if seg.continued and seg.top < 0:  # a continuation page: only a repeated header counts as header
            n = 0
            while n < first_data and not _is_row_label(bands[n], found):
                n += 1
            first_data = n if any(_looks_header(band, found) and _repeats_header(band, header_text)
                                  for band in bands[:n]) else 0
        elif seg.continued:  # under a repeated title and header: rows without amounts ('22、其他支出') are rows
            first_data = next((n for n in range(first_data) if _is_row_label(bands[n], found)), first_data)
        header = [band for band in bands[:first_data] if not _is_column_numbers(band)]
        # a ruled table ends at the next part's heading (第三部分 …: the narrative's underlined figures are rules)
        body = _before(bands[first_data:], _NEXT_PART) if ruled else _before_note(bands[first_data:])
        page_columns: list[_Column] | None = None
        if ruled:
            page_columns = _columns_from_rules(geo, body[0], 0, geo.width)
        else:
            page_columns = _columns_from_content(bands[:first_data], body) or _columns_from_words(body, header)
            crossing = _columns_from_rules(geo, body[0], 0, geo.width)
            if not header and len(crossing) >= 3:  # a continuation page of a grid whose rows are not ruled
                page_columns = crossing
        if header and page_columns:
            _assign_header(page_columns, header, geo)
            _classify(page_columns, family, body, found.family_set)
            if ruled and (split := _split_spanned(geo, page_columns, header, body)):
                page_columns = _reclassified(page_columns, split, header, geo, family, body, found)
            columns = page_columns
            header_text = "".join(squeeze(line.text) for band in header for line, _ in band.lines)
        elif columns is not None:
            page_columns = _reuse(columns, page_columns)
        else:
            _classify(page_columns, family, body, found.family_set)
        if not ruled:
            body = _join_unruled(body)
        groups = _merged_label_cells(geo, body, page_columns, state) if ruled and family.layout != "three_public" else {}
        for n, band in enumerate(body):
            new = [row for row in _rows_of_band(band, page_columns, family, found, file, seg.page, state)
                   if not _repeated_total(row, rows)]
            for row in new:
                if n in groups:
                    state.group[id(row)] = (seg.page, *groups[n])
            rows.extend(_wrapped_over_the_page(rows, new, found) if n == 0 and seg.continued else new)
    if family.layout == "three_public":
        rows = _merge_item_rows(_by_year(rows, family, state))
    _levels_by_indent(rows, family, state)
    _levels_by_sums(rows, family)
    _rows_under_merged_cells(rows, state)
    _unit_row_as_total(rows, family)
    for i, row in enumerate(rows):
        row.index = i
    is_empty = not rows or (empty_note and not any(c.status == CELL_VALUE for r in rows for c in r.cells))
    if is_empty:
        rows = []
    elif columns is None:
        issues.append(ParseIssue("warning", "table_header_not_found", f"{family.key}: no header; columns guessed", found.source))
    if not is_empty and family.layout != "three_public":
        unmapped = [c for c in (columns or []) if c.role == "value" and c.key is None]
        if unmapped:
            issues.append(ParseIssue("warning", "column_unmapped", f"{family.key}: {len(unmapped)} value column(s) without a key", found.source))
    _counts_as_printed(rows)
    return Table(
        family=family.key,
        title=found.title,
        label=found.label,
        unit=found.unit,
        columns=_printed_columns(columns, family),
        rows=rows,
        source=found.source,
        is_empty=is_empty,
    )


def _split_spanned(geo: PageGeometry, columns: list[_Column], header: list[_Band], body: list[_Band]
                   ) -> dict[int, list[float]]:
    """A code column that the first row is printed across (合计 over 西安 表12's 科目编码, 单位编码, 采购项目, 采购目录 …
    columns): column index → the rules inside it that cross the header and each of the next rows."""
    bands = [*header, *body[1:_FIRST_ROWS]]
    if len(bands) == len(header):
        return {}
    split = {}
    for index, column in enumerate(columns):
        if column.role != "code":
            continue
        inner = [x for x in _merge([x for x, _, _ in geo.v_rules if column.x0 + 7 < x < column.x1 - 7])
                 if all(any(abs(rx - x) <= 1.5 and top - 1 <= (b.top + b.bottom) / 2 <= bottom + 1
                            for rx, top, bottom in geo.v_rules) for b in bands)]
        if inner:
            split[index] = inner
    return split


def _reclassified(columns: list[_Column], split: dict[int, list[float]], header: list[_Band], geo: PageGeometry,
                  family: Family, body: list[_Band], found: _Found) -> list[_Column]:
    """The columns with the spanned ones split, headers and roles read again; a split-off column that names no amount
    (单位编码, 采购目录, 规格型号) and a column of text (实施采购时间) are parts of the row's name, each read apart."""
    out: list[_Column] = []
    parts: set[int] = set()
    for index, column in enumerate(columns):
        edges = [column.x0, *split.get(index, []), column.x1]
        if index in split:
            parts.update(range(len(out), len(out) + len(edges) - 1))
        out.extend(_Column(a, b) for a, b in zip(edges, edges[1:]))
    _assign_header(out, header, geo)
    _classify(out, family, body, found.family_set)
    for index, column in enumerate(out):
        if column.role == "value" and column.key is None and (index in parts or _column_content(column, body) == "text"):
            column.role = "label"
    return out


def _printed_columns(columns: list[_Column] | None, family: Family) -> tuple[str, ...]:
    """A supplementary table's columns are those its header names, in printed order; a standard table's its family's."""
    if family.key not in SUPPLEMENTARY_KEYS:
        return family.columns
    printed = tuple(dict.fromkeys(c.key for c in columns or [] if c.role == "value" and c.key))
    return printed or family.columns[:1]


def _counts_as_printed(rows: list[TableRow]) -> None:
    """车辆数 / 设备台套 rows and 数量 columns are numbers of things: a table in 元 does not divide them by 10,000."""
    for row in rows:
        for cell in row.cells:
            if cell.status == CELL_VALUE and (row.item in COUNT_ITEMS or cell.column in COUNT_COLUMNS):
                cell.value = parse_amount(cell.original)
