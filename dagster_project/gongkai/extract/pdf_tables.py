"""Reading the standard tables of a PDF report from its geometry.

A table starts at a line whose text is a family title (families.match_family) followed by a table header (a unit line
or header words); a title in the table of contents is not followed by one. The table runs to the next title and on
over the following pages while they continue it (a page that starts with table rows, 续表, or a ruled grid).

Columns come from geometry: in a ruled table the vertical rules crossing the first body row give the column
intervals; header words (spanning 2–3 lines, and group headers spanning several columns) are assigned to the columns
they overlap, and each column's header text is matched to the family's column keys. Without rules, columns are the
x-clusters of the amounts. Rows are the bands between horizontal rules (or the text lines, a name line above a
code line joining it). Two-panel layouts (收入 | 支出 summaries, the economic table's side-by-side groups) are split
into panels, each starting with a code or label column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from gongkai.extract.families import (
    FINAL_TABLES,
    Family,
    FamilySet,
    code_level,
    is_other_title,
    leading_code,
    match_item,
    parent_code,
    table_label,
)
from gongkai.extract.pdf_document import LineBox, PageGeometry, read_pdf
from gongkai.extract.records import CELL_AMBIGUOUS, CELL_BLANK, CELL_VALUE, Cell, Document, Line, ParseIssue, Source, Table, TableRow
from gongkai.extract.text import is_amount, parse_amount, squeeze, to_wan

_ROW_NUMBER_HEADER = re.compile(r"^(收入|支出)?(行次|栏次)$")
_NOTE_HEADER = re.compile(r"^绩效(?:目标|指标)")
_SUB_HEADINGS = frozenset("类款项")
_CODE_HEADER = re.compile(r"^(类|款|项|(?:部门|政府)?(?:预算)?(?:支出)?(?:功能|经济)?(?:分类)?科目(?:编码|代码)|编码)$")
_LABEL_HEADER = re.compile(r"项目$|^项目[(（]|科目名称|名称$|科目$|项目类别|^预算单位$|^年度$|品目|形式$")
_UNIT = re.compile(r"单位[:：]\s*(万元|千元|元)")
_SECTION = re.compile(r"^第[一二三四五六七八九十]+部分|情况说明$|^名词解释")
_PAGE_NUMBER = re.compile(r"^[-—\s]*\d{1,4}[-—\s]*$")
_NUMBERED = re.compile(r"^[一二三四五六七八九十]+、")
_EMPTY_NOTE = re.compile(r"无数据|无.*(收入|支出).*故|为空表|本表为空")
_DIGITS = re.compile(r"^\d{2,3}$")
_NOTE = re.compile(r"^\s*(注|说明)[:：]")


@dataclass(slots=True)
class _Column:
    x0: float
    x1: float
    own: list[tuple[float, str]] = field(default_factory=list)  # (y, text) header words inside this column only
    group: list[tuple[float, str]] = field(default_factory=list)  # header words spanning several columns
    role: str = "value"  # 'code' | 'label' | 'value'
    key: str | None = None
    item: str | None = None  # three_public: the item of this column

    @property
    def own_text(self) -> str:
        return "".join(t for _, t in sorted(self.own, key=lambda word: word[0]))  # stable: left to right


@dataclass(slots=True)
class _Segment:
    page: int
    top: float
    bottom: float
    continued: bool = False  # a later page of the table (its title repeated or not): only a repeated header is header


@dataclass(slots=True)
class _Found:
    family: Family
    title: str
    label: str | None
    unit: str
    source: Source
    segments: list[_Segment]
    family_set: FamilySet = FINAL_TABLES
    empty_note: bool = False


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
    return sum(_title_at(geo.lines, i, family_set) is not None for i in range(len(geo.lines))) >= 3


def _one_table_per_family(tables: list[Table], issues: list[ParseIssue]) -> list[Table]:
    """A family found twice in one report (a title repeated on a page the reader did not take for a continuation, or
    two titles it cannot tell apart) is one table: the later rows follow the earlier ones under distinct row indices,
    so (report, family, row, column) stays a key; the marts keep the first row of each code or item. A warning says
    which pages were joined. A title with no cells under it (a line of the table of contents) gives way to the table."""
    first_of: dict[str, Table] = {}
    for table in tables:
        first = first_of.setdefault(table.family, table)
        if first is table:
            continue
        if not _has_cells(first):
            first_of[table.family] = table
            continue
        if not _has_cells(table):
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


# --- locating tables --------------------------------------------------------------------------------------------


def _title_at(lines: list[Line], i: int, family_set: FamilySet) -> Family | None:
    """The family whose title line i is, also when the title wraps onto a short next line ('…培训费' / '支出预算表');
    the wrapped end is no title of its own."""
    if len(squeeze(lines[i].text)) > 40 or i > 0 and _wrapped_title(lines, i - 1, family_set) is not None:
        return None
    return family_set.match(lines[i].text) or _wrapped_title(lines, i, family_set)


def _wrapped_title(lines: list[Line], i: int, family_set: FamilySet) -> Family | None:
    head = squeeze(lines[i].text)
    if head.endswith("表") or len(head) > 40 or i + 1 >= len(lines):
        return None
    tail = squeeze(lines[i + 1].text)
    if len(tail) > 8 or not tail.endswith("表"):
        return None
    return family_set.match(head + tail)


def _title_text(lines: list[Line], i: int, family_set: FamilySet) -> str:
    """The title as printed, both lines of a wrapped one ('表1' / '收支总体情况表')."""
    head = squeeze(lines[i].text)
    if family_set.match(lines[i].text) is None and i + 1 < len(lines):
        return head + squeeze(lines[i + 1].text)
    return head


def _has_header_after(lines: list[Line], i: int, family_set: FamilySet) -> bool:
    for j in range(i + 1, min(i + 6, len(lines))):
        compact = squeeze(lines[j].text)
        if _title_at(lines, j, family_set) is not None or _SECTION.search(compact):
            return False
        if _UNIT.search(compact):
            return True
        hits = sum(term in compact for term in ("项目", "科目", "决算数", "预算数", "合计", "金额", "编码", "收入", "支出"))
        if hits >= 2 and ("项目" in compact or "科目" in compact or "决算数" in compact or "预算数" in compact):
            return True
    return False


def _continues(geo: PageGeometry, family_set: FamilySet) -> bool:
    lines = [l for l in geo.lines if not _PAGE_NUMBER.match(l.text)]
    if not lines:
        return False
    first = squeeze(lines[0].text)
    if _SECTION.search(first) or _title_at(lines, 0, family_set) is not None:
        return False
    if "续" in first[:6]:
        return True
    for line in lines[:3]:
        compact = squeeze(line.text)
        first_word = line.words[0].text if line.words else ""
        if (leading_code(line.text) or match_item(compact, family_set.summary_items)
                or compact in ("合计", "总计") or first_word in ("合计", "总计")):
            return True
    for line in lines[3:6]:  # under a repeated header of up to three lines and a 栏次 row: a coded row with amounts
        if leading_code(line.text) and any(is_amount(w.text) and "." in w.text for w in line.words):
            return True
    box = geo.boxes[geo.lines.index(lines[0])]
    mid = (box.top + box.bottom) / 2
    crossing = [x for x, top, bottom in geo.v_rules if top - 2 <= mid <= bottom + 2]
    return len(crossing) >= 3


def _find_tables(geometry: list[PageGeometry], file: str, family_set: FamilySet) -> list[_Found]:
    found: list[_Found] = []
    current: _Found | None = None
    for geo in geometry:
        lines = geo.lines
        if not lines:
            continue
        starts = [i for i in range(len(lines))
                  if _title_at(lines, i, family_set) is not None and _has_header_after(lines, i, family_set)]
        stops = _other_titles(lines, family_set)
        bounds = sorted(starts + stops)
        if current is not None and (not bounds or bounds[0] > 0) and _continues(geo, family_set):
            end = geo.boxes[bounds[0]].top if bounds else geo.height + 1
            current.segments.append(_Segment(geo.page, -1.0, end, continued=True))
        elif current is not None and not starts:
            current = None
        for n, i in enumerate(starts):
            family = _title_at(lines, i, family_set)
            assert family is not None
            following = [b for b in bounds if b > i]
            end = geo.boxes[following[0]].top if following else geo.height + 1
            if n == 0 and _repeats_title(current, family, geo, i):
                current.segments.append(_Segment(geo.page, geo.boxes[i].bottom, end, continued=True))
                continue
            unit = "万元"
            label = table_label(lines[i].text)
            for j in range(max(0, i - 2), min(i + 4, len(lines))):
                m = _UNIT.search(squeeze(lines[j].text))
                if m:
                    unit = m.group(1)
                    break
                label = label or (table_label(lines[j].text) if j != i else None)  # 公开01表 above or below
            current = _Found(
                family=family,
                title=_title_text(lines, i, family_set),
                label=label,
                unit=unit,
                source=lines[i].source(file),
                segments=[_Segment(geo.page, geo.boxes[i].bottom, end)],
                family_set=family_set,
            )
            found.append(current)
        if stops and (not starts or stops[-1] > starts[-1]):
            current = None  # a table of no family ends the page: nothing after it continues a standard table
    return found


def _other_titles(lines: list[Line], family_set: FamilySet) -> list[int]:
    """Lines that title a table of no family (一般公共预算财政拨款项目支出决算表, 机构运行经费…信息表) over a header:
    the standard table before such a title ends there."""
    return [i for i, line in enumerate(lines)
            if "表" in line.text and is_other_title(line.text, family_set)
            and not (i > 0 and _wrapped_title(lines, i - 1, family_set)) and _has_header_after(lines, i, family_set)]


def _repeats_title(current: _Found | None, family: Family, geo: PageGeometry, i: int) -> bool:
    """A table printed over several pages with its label, title and header repeated on each (表 2 收入决算表 on
    pages 8 and 9): the title at the top of the page after the table's last page continues it."""
    if current is None or current.family is not family or current.segments[-1].page != geo.page - 1:
        return False
    above = [line for line in geo.lines[:i] if not _PAGE_NUMBER.match(line.text)]
    return all(table_label(line.text) or len(squeeze(line.text)) <= 4 for line in above)


# --- reading one table ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Band:
    top: float
    bottom: float
    lines: list[tuple[Line, LineBox]] = field(default_factory=list)


def _merge(values: list[float], tol: float = 1.5) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


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


def _is_numeric(text: str) -> bool:
    return bool(text) and (is_amount(text) or text in ("-", "—", "－"))


def _before_note(body: list[_Band]) -> list[_Band]:
    """The rows of an unruled table end at its note (注：…), which may run over several lines."""
    end = next((i for i, band in enumerate(body) if _NOTE.match(band.lines[0][0].text)), len(body))
    return body[:end]


def _is_column_numbers(band: _Band) -> bool:
    """The 栏次 row under a header that numbers the columns (栏次 1 2 3 …, or only 1 2 3 … 12): header, not data."""
    if squeeze(band.lines[0][0].text).startswith("栏次"):
        return True
    words = [w.text for line, _ in band.lines for w in line.words]
    numbers = [w for w in words if w.strip("*")]  # '**' over the code and name columns (Hunan, Zhejiang)
    starred = len(numbers) < len(words)
    return (len(numbers) >= 3 or starred and bool(numbers)) and numbers == [str(n) for n in range(1, len(numbers) + 1)]


def _band_has_data(band: _Band) -> bool:
    if _is_column_numbers(band):
        return False
    return any(_has_amount(line) for line, _ in band.lines)


def _has_amount(line: Line) -> bool:
    return any(is_amount(w.text) and not _is_year_heading(w.text, following)
               for w, following in zip(line.words, [*line.words[1:], None]))


def _is_year_heading(text: str, following) -> bool:
    """'2026' of a heading '2026 年预算数' printed as two words: a year, not an amount."""
    return bool(re.fullmatch(r"(?:19|20)\d{2}", text)) and following is not None and following.text.startswith("年")


def _columns_from_rules(geo: PageGeometry, band: _Band, left: float, right: float) -> list[_Column]:
    mid = (band.top + band.bottom) / 2
    xs = _merge([x for x, top, bottom in geo.v_rules if top - 1 <= mid <= bottom + 1])
    return [_Column(a, b) for a, b in zip(xs, xs[1:]) if b - a > 7]  # rules closer than that are the two sides of one line (cells drawn as boxes)


def _columns_from_words(body: list[_Band], header: list[_Band] = ()) -> list[_Column]:
    """Unruled table: value columns are x-clusters of amounts, widened to the heading printed over them (决算数 centred
    over right-aligned amounts); the text left of each cluster run is a label column."""
    spans: list[list[float]] = []
    for band in body:
        for line, _ in band.lines:
            for w in line.words:
                if is_amount(w.text) and ("." in w.text or "," in w.text):  # 1,234 in 元 tables
                    spans.append([w.x0, w.x1])
    spans.sort()
    merged: list[list[float]] = []
    for s in spans:
        if merged and s[0] <= merged[-1][1] + 2:
            merged[-1][1] = max(merged[-1][1], s[1])
        else:
            merged.append(list(s))
    headings = [w for band in header for line, _ in band.lines for w in line.words
                if w.x1 - w.x0 < 80 and not table_label(w.text)]
    for i, span in enumerate(merged):
        left_limit = merged[i - 1][1] + 2 if i else 0.0
        for w in headings:
            if w.x0 < span[1] and w.x1 > span[0] and w.x0 > left_limit:
                span[0] = min(span[0], w.x0)
    columns: list[_Column] = []
    prev = 0.0
    for x0, x1 in merged:
        if x0 - prev > 30:
            columns.append(_Column(prev, x0 - 1, role="label"))
        columns.append(_Column(x0 - 1, x1 + 1))
        prev = x1 + 1
    return columns


def _columns_from_content(header: list[_Band], body: list[_Band]) -> list[_Column] | None:
    """Unruled table: a column is a run of x where the body prints something (codes, names, amounts). Each number of
    the 栏次 row is centred in its column while the amounts are right-aligned: a number joins the run it touches,
    else the run of amounts to its right before the next number, else it marks a column without a single amount
    (附属单位上缴收入); neighbouring columns meet half-way. None without a 栏次 row (columns then come from the amounts
    alone) or where two amounts of one row fall into one column."""
    numbers = next((band for band in header if _is_column_numbers(band)), None)
    if numbers is None:
        return None
    runs = _merge_spans([[w.x0, w.x1, is_amount(w.text)] for band in body for line, _ in band.lines
                         for w in line.words])
    marks = sorted([w.x0, w.x1] for line, _ in numbers.lines for w in line.words if w.text.isdigit())
    for mark, following in zip(marks, [*marks[1:], [10_000.0, 10_000.0]]):
        run = next((r for r in runs if r[0] - 2 <= mark[1] and mark[0] <= r[1] + 2), None)
        if run is None:
            run = next((r for r in runs if mark[1] < r[0] < following[0] and r[2] and r[1] < following[0]), None)
        if run is None:
            runs.append([mark[0], mark[1], True])
        else:
            run[0], run[1] = min(run[0], mark[0]), max(run[1], mark[1])
    runs = _merge_spans(runs)
    bounds = [0.0, *((a[1] + b[0]) / 2 for a, b in zip(runs, runs[1:])), 10_000.0]
    columns = [_Column(a, b) for a, b in zip(bounds, bounds[1:])]
    for band in body:
        for line, _ in band.lines:
            hits = [_column_at(columns, (w.x0 + w.x1) / 2) for w in line.words if is_amount(w.text) and "." in w.text]
            if len(set(hits)) != len(hits):
                return None
    return columns


def _merge_spans(spans: list[list]) -> list[list]:
    """Overlapping or touching [x0, x1, only amounts] runs merged, left to right."""
    merged: list[list] = []
    for span in sorted(spans, key=lambda span: (span[0], span[1])):
        if merged and span[0] <= merged[-1][1] + 2:
            merged[-1][1] = max(merged[-1][1], span[1])
            merged[-1][2] = merged[-1][2] and span[2]
        else:
            merged.append(list(span))
    return merged


def _column_at(columns: list[_Column], x: float) -> int:
    return next(k for k, c in enumerate(columns) if c.x0 <= x < c.x1)


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def _assign_header(columns: list[_Column], header: list[_Band], geo: PageGeometry) -> None:
    """Give each header word to the columns its cell covers (the cell: between the ruling lines around the word)."""
    for band in header:
        for line, box in band.lines:
            mid_y = (box.top + box.bottom) / 2
            rules = [x for x, top, bottom in geo.v_rules if top - 1 <= mid_y <= bottom + 1]
            for w in line.words:
                width = max(w.x1 - w.x0, 0.1)
                left = max((x for x in rules if x <= w.x0 + 1.5), default=None)
                right = min((x for x in rules if x >= w.x1 - 1.5), default=None)
                if left is not None and right is not None and right > left:
                    hit = [c for c in columns if _overlap(left, right, c.x0, c.x1) >= 0.5 * (c.x1 - c.x0)]
                else:
                    hit = [c for c in columns if (ov := _overlap(w.x0, w.x1, c.x0, c.x1)) >= 0.3 * width or ov >= 0.5 * (c.x1 - c.x0)]
                for c in hit:
                    (c.own if len(hit) == 1 else c.group).append((box.baseline, squeeze(w.text)))


_HEADER_WORDS = ("项目", "科目", "决算数", "预算数", "合计", "编码", "收入", "支出", "金额", "小计", "名称", "分类", "单位", "续表")


def _looks_header(band: _Band, found: _Found) -> bool:
    """A band of a continuation page that repeats the header (no amounts, no numbered / coded row labels; a summary
    item only where the table has labelled rows: '经营收入' is a column header of a coded table)."""
    if _is_column_numbers(band):
        return True
    if _is_row_label(band, found):
        return False
    text = "".join(squeeze(l.text) for l, _ in band.lines)
    return any(w in text for w in _HEADER_WORDS) or bool(re.fullmatch(r"[类款项]+", text))


def _is_row_label(band: _Band, found: _Found) -> bool:
    """A band that is a table row, not header: amounts, a code, or a short numbered or summary-item label (three or
    more words without amounts are column headings)."""
    if _is_column_numbers(band):
        return False
    labelled = found.family.layout == "summary"
    for line, _ in band.lines:
        if _has_amount(line) or leading_code(line.text):
            return True
        compact = squeeze(line.text)
        if len(line.words) < 3 and (_NUMBERED.match(compact) or re.match(r"\d{1,2}[、.．]\D", compact)
                                    or labelled and match_item(compact, found.family_set.summary_items)):
            return True
    return False


def _classify(columns: list[_Column], family: Family, body: list[_Band], family_set: FamilySet) -> None:
    allowed = set(family.columns) | set(family.extra)
    terms = family_set.column_terms
    for c in columns:
        own = c.own_text
        content = _column_content(c, body)
        if own and _ROW_NUMBER_HEADER.match(own):
            c.role = "row_number"
        elif own and _NOTE_HEADER.search(own):
            c.role = "note"
        elif own and _CODE_HEADER.match(own) or (not own and content == "code"):
            c.role = "code"
        elif own and _LABEL_HEADER.search(own) and not _term(own, allowed, terms) or (not own and content == "text"):
            c.role = "label"
        elif not own and not c.group and content != "number":
            c.role = "label"
        else:
            c.role = "value"
    if family.layout == "three_public":
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
        return
    for c in columns:
        if c.role != "value":
            continue
        own_key = _term(c.own_text, allowed, terms)
        group_key = next((key for _, t in sorted(c.group, reverse=True) if (key := _term(t, allowed, terms))), None)
        if c.own_text in ("金额", "小计", "合计"):  # 项目支出 / 小计, 事业收入 / 金额: the group names the column
            c.key = group_key or own_key
        else:
            c.key = own_key or group_key
        if c.key is None and len(allowed) == 1 and _column_content(c, body) == "number":
            c.key = family.columns[0]
    _split_run_together_headers(columns, allowed, terms)


def _split_run_together_headers(columns: list[_Column], allowed: set[str], column_terms) -> None:
    """Two headings printed so close that they read as one word ('政府性基金预算财政拨款国有资本经营预算财政拨款') over
    two columns: each column takes the term found in that word in its left-to-right place."""
    for text in {t for c in columns if not c.own_text for _, t in c.group}:
        sharing = [c for c in columns if c.role == "value" and not c.own_text and any(t == text for _, t in c.group)]
        terms = sorted((found.start(), key) for key, expr in column_terms if key in allowed
                       for found in [re.search(expr, text)] if found)
        keys = list(dict.fromkeys(key for _, key in terms))
        if len(sharing) > 1 and len(keys) == len(sharing):
            for column, key in zip(sharing, keys):
                column.key = key


_THREE_PUBLIC_ORDER = ("total", "overseas_travel", "vehicle_total", "vehicle_purchase", "vehicle_operation", "reception",
                       "meeting", "training")
_THREE_PUBLIC_GENERIC = {None, "total", "vehicle_total"}  # what a 小计 under a group heading may be read as


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
    """Beside 会议费 and 培训费, a 合计 over them and the 三公 (under no group header) is not the 三公 小计."""
    totals = [c for c in columns if c.role == "value" and c.item == "total"]
    if len(totals) > 1 and any(c.item in ("meeting", "training") for c in columns):
        min(totals, key=lambda c: len(c.group)).item = "grand_total"


def _three_public_key(words: list[str], family: Family) -> str | None:
    """预算数 / 决算数 (a final), 本年预算 / 上年预算 (a budget); a table of budgets alone needs no header to say so."""
    if any("决算" in t or "执行" in t for t in words):
        return "actual"
    if "prior_year_budget" in family.columns and any("上年" in t for t in words):
        return "prior_year_budget"
    if any("预算" in t for t in words) or "actual" not in family.columns:
        return "budget"
    return None


def _term(text: str, allowed: set[str], terms: tuple[tuple[str, str], ...]) -> str | None:
    for key, expr in terms:
        if key in allowed and re.search(expr, text):
            return key
    return None


def _column_content(c: _Column, body: list[_Band]) -> str:
    counts = {"code": 0, "number": 0, "text": 0}
    for band in body[:40]:
        for line, _ in band.lines:
            for w in line.words:
                if _overlap(w.x0, w.x1, c.x0, c.x1) < 0.5 * (w.x1 - w.x0):
                    continue
                if _DIGITS.match(w.text) or re.fullmatch(r"\d{3}(\d{2}){1,2}", w.text):
                    counts["code"] += 1
                elif is_amount(w.text):
                    counts["number"] += 1
                else:
                    counts["text"] += 1
    if not any(counts.values()):
        return "empty"
    return max(counts, key=lambda k: counts[k])


def _panels(columns: list[_Column]) -> list[list[_Column]]:
    panels: list[list[_Column]] = []
    for c in columns:
        if not panels or (c.role in ("code", "label") and any(p.role == "value" for p in panels[-1])):
            panels.append([])
        panels[-1].append(c)
    return panels


def _read_table(found: _Found, geometry: list[PageGeometry], file: str, issues: list[ParseIssue]) -> Table:
    family = found.family
    by_page = {g.page: g for g in geometry}
    rows: list[TableRow] = []
    columns: list[_Column] | None = None
    empty_note = False
    state = _RowState()
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
            first_data = n if any(_looks_header(band, found) for band in bands[:n]) else 0
        elif seg.continued:  # under a repeated title and header: rows without amounts ('22、其他支出') are rows
            first_data = next((n for n in range(first_data) if _is_row_label(bands[n], found)), first_data)
        header = [band for band in bands[:first_data] if not _is_column_numbers(band)]
        body = bands[first_data:] if ruled else _before_note(bands[first_data:])
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
            columns = page_columns
        elif columns is not None:
            page_columns = _reuse(columns, page_columns)
        else:
            _classify(page_columns, family, body, found.family_set)
        if not ruled:
            body = _join_unruled(body)
        for n, band in enumerate(body):
            new = [row for row in _rows_of_band(band, page_columns, family, found, file, seg.page, state)
                   if not _repeated_total(row, rows)]
            rows.extend(_wrapped_over_the_page(rows, new) if n == 0 and seg.continued else new)
    if family.layout == "three_public":
        rows = _merge_item_rows(_by_year(rows, family, state))
    _levels_by_indent(rows, family, state)
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
    return Table(
        family=family.key,
        title=found.title,
        label=found.label,
        unit=found.unit,
        columns=family.columns,
        rows=rows,
        source=found.source,
        is_empty=is_empty,
    )


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


def _wrapped_over_the_page(rows: list[TableRow], new: list[TableRow]) -> list[TableRow]:
    """The first row of a continuation page that only ends a name begun on the page before ('十七、国土海洋气象等支' /
    '出'): a few characters, no number, no code, no amounts, under a row of the same side that has no amounts either."""
    kept: list[TableRow] = []
    for row in new:
        previous = next((r for r in reversed(rows) if r.side == row.side), None)
        if (previous is not None and row.label and len(squeeze(row.label)) <= 6 and not row.code and not row.item
                and not previous.code and not _NUMBERED.match(squeeze(row.label)) and not _has_values(row)
                and not _has_values(previous)):
            previous.label += row.label
            continue
        kept.append(row)
    return kept


def _repeated_total(row: TableRow, rows: list[TableRow]) -> bool:
    """The 合计 row printed again under the repeated header of a continuation page, with the same amounts."""
    if row.item != "total" or row.code:
        return False
    values = [c.value for c in row.cells]
    return any(r.item == "total" and not r.code and [c.value for c in r.cells] == values for r in rows)


def _reuse(previous: list[_Column], current: list[_Column]) -> list[_Column]:
    """A continuation page without a header: take each column's role and key from the previous page by position."""
    out: list[_Column] = []
    for c in current:
        best = max(previous, key=lambda p: _overlap(p.x0, p.x1, c.x0, c.x1), default=None)
        if best is None or _overlap(best.x0, best.x1, c.x0, c.x1) <= 0:
            out.append(c)
            continue
        out.append(_Column(c.x0, c.x1, best.own, best.group, best.role, best.key, best.item))
    return out


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


@dataclass(slots=True)
class _RowState:
    carry: dict[int, str] = field(default_factory=dict)  # panel → last carry-over item (年初/年末 sub-rows)
    above: dict[int, str] = field(default_factory=dict)  # code column → the last code read through it (类 / 款 rows)
    indent: dict[int, float] = field(default_factory=dict)  # id(row) → how far its name is indented
    year: dict[int, int] = field(default_factory=dict)  # id(row) → the year its 三公 row is labelled with


def _rows_of_band(
    band: _Band, columns: list[_Column], family: Family, found: _Found, file: str, page: int, state: _RowState
) -> list[TableRow]:
    rows: list[TableRow] = []
    panels = _panels(columns)
    for p_index, panel in enumerate(panels):
        codes: list[tuple[float, float, str, int]] = []  # (baseline, x0, text, column)
        labels: list[tuple[int, float, float, str]] = []  # (column, baseline, x0, text)
        values: dict[int, list[tuple[str, Line]]] = {}
        first_line: Line | None = None
        code_line: Line | None = None
        row_number: int | None = None
        for line, box in band.lines:
            for w in line.words:
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
    if any(columns[u] > label_after for u in used):
        # a second classification's code after its own name (部门经济科目 | 政府经济科目, 烟台, 西安): the first is the row's
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


def _cell(key: str, found: list[tuple[str, Line]] | None, unit: str, source: Source) -> Cell:
    if not found:
        return Cell(key, None, None, CELL_BLANK, source)
    texts = _rejoin_wrapped_amount([t for t, _ in found if t not in ("-", "—", "－")])
    if not texts:
        return Cell(key, None, found[0][0], CELL_BLANK, source)
    if len(texts) > 1:
        return Cell(key, None, " ".join(texts), CELL_AMBIGUOUS, source, tuple(texts))
    return Cell(key, to_wan(parse_amount(texts[0]), unit), texts[0], CELL_VALUE, source)


def _rejoin_wrapped_amount(texts: list[str]) -> list[str]:
    """An amount wrapped in a narrow cell ('24995.9' over '4', 福州 p11): its last digits on the next line."""
    if len(texts) == 2 and re.fullmatch(r"\d{1,2}", texts[1]) and re.fullmatch(r"[\d,]+\.\d?", texts[0]) \
            and len(texts[0].split(".")[1] + texts[1]) == 2:
        return [texts[0] + texts[1]]
    return texts


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
    elif re.search(r"^合计$|^总计$|^合计", compact):
        row.item = "total"


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
    from the 预算数 row and its actual from the 决算数 row."""
    merged: dict[str, TableRow] = {}
    out: list[TableRow] = []
    for row in rows:
        first = merged.get(row.item) if row.item else None
        if first is None:
            merged[row.item] = row
            out.append(row)
            continue
        for k, cell in enumerate(row.cells):
            if cell.status != CELL_BLANK and first.cells[k].status == CELL_BLANK:
                first.cells[k] = cell
    return out


def _three_public_rows(
    row: TableRow, panel: list[_Column], values: dict[int, list[tuple[str, Line]]], found: _Found, source: Source
) -> list[TableRow]:
    """A 三公 table row. A horizontal table (item × 预算数/决算数 across the columns) becomes one row per item."""
    unit, keys = found.unit, found.family.columns
    items = [c.item for c in panel if c.role == "value"]
    if any(items) and len(set(i for i in items if i)) > 1:
        out: list[TableRow] = []
        order: list[str] = []
        for c in panel:
            if c.role == "value" and c.item and c.item not in order:
                order.append(c.item)
        row_key = "actual" if "决算" in row.label else "budget" if "预算" in row.label else None  # items across
        for item in order:
            cells: list[Cell] = []
            for key in keys:
                k = next((k for k, c in enumerate(panel) if c.role == "value" and c.item == item and
                          (c.key == key or c.key is None and row_key == key)), None)
                cells.append(_cell(key, values.get(k) if k is not None else None, unit, source))
            out.append(TableRow(index=0, label=_THREE_PUBLIC_LABELS.get(item, item), cells=cells, source=source, item=item))
        return out
    # vertical: one row per item, columns 预算数 / 决算数
    row.item = match_item(row.label, found.family_set.three_public_items)
    cells = []
    for key in keys:
        k = next((k for k, c in enumerate(panel) if c.role == "value" and c.key == key), None)
        cells.append(_cell(key, values.get(k) if k is not None else None, unit, source))
    row.cells = cells
    return [row]
