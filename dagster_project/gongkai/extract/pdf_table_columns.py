"""The columns of a PDF table and what each holds (表头). In a ruled table the vertical rules crossing the first body
row give the column intervals; without rules, columns are the x-clusters of the amounts (or of what the body prints,
under a 栏次 row). Header words (spanning 2–3 lines, and group headers spanning several columns) are assigned to the
columns they overlap, and each column's header text is matched to the family's column keys (code, label, row number,
note or value). Two-panel layouts (收入 | 支出 summaries, the economic table's side-by-side groups) are split into
panels, each starting with a code or label column."""

from __future__ import annotations

import re

from gongkai.extract.classification_codes import leading_code
from gongkai.extract.families import COUNT_COLUMNS, Family, FamilySet
from gongkai.extract.pdf_document import PageGeometry
from gongkai.extract.pdf_table_layout import (
    _Band,
    _Column,
    _column_at,
    _has_amount,
    _is_column_numbers,
    _merge,
    _NUMBERED,
    _overlap,
)
from gongkai.extract.pdf_table_locate import _Found
from gongkai.extract.pdf_three_public import _classify_three_public
from gongkai.extract.row_items import match_item
from gongkai.extract.table_titles import table_label
from gongkai.extract.text import is_amount, squeeze


_ROW_NUMBER_HEADER = re.compile(r"^(收入|支出)?(行次|栏次)$")
_NOTE_HEADER = re.compile(r"^绩效(?:目标|指标)")
_CODE_HEADER = re.compile(r"^(类|款|项|(?:部门|政府)?(?:预算)?(?:支出)?(?:功能|经济)?(?:分类)?科目(?:编码|代码)|编码)$")
_LABEL_HEADER = re.compile(r"项目$|^项目[(（]|科目名称|名称$|科目(?:[(（][^)）]*[)）])?$|项目类别|^预算单位$|^年度$|品目|形式$")
_DIGITS = re.compile(r"^\d{2,3}$")


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


def _repeats_header(band: _Band, header_text: str | None) -> bool:
    """A continuation page's band repeats the header the columns were read from (each of its lines is printed in
    it), not the end of a name wrapped over the page break that only reads like one ('业支出', '小计')."""
    return header_text is None or all(squeeze(line.text) in header_text for line, _ in band.lines)


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
        content = None if own else _column_content(c, body)  # a column with its own header is named by it
        if own and _ROW_NUMBER_HEADER.match(own):
            c.role = "row_number"
        elif own and _NOTE_HEADER.search(own):
            c.role = "note"
        elif own and _CODE_HEADER.match(own) or (not own and content == "code"):
            c.role = "code"
        elif (own and _LABEL_HEADER.search(own) and not _term(own, allowed, terms) and not _is_part(own)
              or (not own and content == "text")):
            c.role = "label"
        elif not own and not c.group and content == "empty":
            c.role = "empty"  # the gap between two widely spaced amount columns: no label, so no new panel
        elif not own and not c.group and content != "number":
            c.role = "label"
        else:
            c.role = "value"
    if family.layout == "three_public":
        _classify_three_public(columns, family, family_set)
        return
    for c in columns:
        if c.role != "value":
            continue
        own_key = _term(c.own_text, allowed, terms)
        group_key = next((key for _, t in sorted(c.group, reverse=True) if (key := _term(t, allowed, terms))), None)
        if c.own_text in ("金额", "小计", "合计"):  # 项目支出 / 小计, 事业收入 / 金额: the group names the column
            c.key = group_key or own_key
        elif _is_part(c.own_text):  # 一般公共预算拨款 / 其中：专项资金…: a part of the group's column, not the group
            c.key = own_key
        else:
            c.key = own_key or group_key
        if c.key is None and len(allowed) == 1 and _column_content(c, body) == "number":
            c.key = family.columns[0]
    _split_run_together_headers(columns, allowed, terms)


def _is_part(header: str) -> bool:
    """A '其中：…' column: a part of the column beside it (其中：教育收费, 其中：专项资金列入部门预算的项目)."""
    return header.startswith("其中")


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
    """Side-by-side tables (收入 | 支出): a code or label column after amounts starts the next; a 数量 column (政府采购,
    西安) is no amount, the item's 经济科目 codes and 预算金额 follow it in the same row."""
    panels: list[list[_Column]] = []
    for c in columns:
        if not panels or (c.role in ("code", "label")
                          and any(p.role == "value" and p.key not in COUNT_COLUMNS for p in panels[-1])):
            panels.append([])
        panels[-1].append(c)
    return panels


def _reuse(previous: list[_Column], current: list[_Column]) -> list[_Column]:
    """A continuation page without a header: take each column's role and key from the previous page by position. A
    column whose first row is a cell merged over several of the previous page's columns (结转下年资金 across the
    function and use panels) is those columns."""
    out: list[_Column] = []
    for c in current:
        covered = [p for p in previous if _overlap(p.x0, p.x1, c.x0, c.x1) >= 0.5 * (p.x1 - p.x0)]
        if len(covered) > 1:
            out.extend(_Column(max(p.x0, c.x0), min(p.x1, c.x1), p.own, p.group, p.role, p.key, p.item) for p in covered)
            continue
        best = max(previous, key=lambda p: _overlap(p.x0, p.x1, c.x0, c.x1), default=None)
        if best is None or _overlap(best.x0, best.x1, c.x0, c.x1) <= 0:
            out.append(c)
            continue
        out.append(_Column(c.x0, c.x1, best.own, best.group, best.role, best.key, best.item))
    return out
