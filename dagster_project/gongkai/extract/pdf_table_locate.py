"""Locating the standard tables of a PDF report: a table starts at a line whose text is a family title
(families.match_family) followed by a table header (a unit line or header words); a title in the table of contents is
not followed by one. The table runs to the next title and on over the following pages while they continue it (a page
that starts with table rows, 续表, or a ruled grid), each page a segment."""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.extract.classification_codes import leading_code
from gongkai.extract.families import Family, FamilySet, FINAL_TABLES, is_other_title
from gongkai.extract.pdf_document import PageGeometry
from gongkai.extract.pdf_table_layout import _PAGE_NUMBER, _SECTION, _UNIT
from gongkai.extract.records import Line, Source
from gongkai.extract.row_items import match_item
from gongkai.extract.table_titles import table_label
from gongkai.extract.text import is_amount, squeeze


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


_TITLE_CHARS = 60  # a title with the department and the year before it (某委员会办公室2024年度国有资本经营预算…决算表)


def _title_at(lines: list[Line], i: int, family_set: FamilySet) -> Family | None:
    """The family whose title line i is, also when the title wraps onto a short next line ('…培训费' / '支出预算表');
    the wrapped end is no title of its own."""
    start = max(i - 1, 0)
    return _titles(lines[start:i + 2], family_set)[i - start]


def _titles(lines: list[Line], family_set: FamilySet) -> list[Family | None]:
    """_title_at of every line, each line squeezed and looked at as a wrapped title's head once."""
    compact = [squeeze(line.text) for line in lines]
    wrapped = [_wrapped_title(head, compact[i + 1] if i + 1 < len(compact) else None, family_set)
               for i, head in enumerate(compact)]
    return [None if len(head) > _TITLE_CHARS or i > 0 and wrapped[i - 1] is not None
            else family_set.match(lines[i].text) or wrapped[i] for i, head in enumerate(compact)]


def _wrapped_title(head: str, tail: str | None, family_set: FamilySet) -> Family | None:
    """The family of a title wrapped from line ``head`` onto a short next line ``tail`` (both squeezed; None: no next
    line)."""
    if head.endswith("表") or len(head) > _TITLE_CHARS or tail is None:
        return None
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
    foot: tuple[Family, Line] | None = None  # a title printed at the foot of the page before, its header on this one
    for index, geo in enumerate(geometry):
        lines = geo.lines
        if not lines:
            continue
        titles = _titles(lines, family_set)
        starts = [i for i, family in enumerate(titles)
                  if family is not None and _has_header_after(lines, i, family_set)]
        stops = _other_titles(lines, family_set)
        bounds = sorted(starts + stops)
        if foot is not None and (not bounds or bounds[0] > 0):
            end = geo.boxes[bounds[0]].top if bounds else geo.height + 1
            current = _found_at(foot[0], foot[1], lines[:4], _Segment(geo.page, -1.0, end), file, family_set)
            found.append(current)
        elif current is not None and (not bounds or bounds[0] > 0) and _continues(geo, family_set):
            end = geo.boxes[bounds[0]].top if bounds else geo.height + 1
            current.segments.append(_Segment(geo.page, -1.0, end, continued=True))
        elif current is not None and not starts:
            current = None
        for n, i in enumerate(starts):
            family = titles[i]
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
        foot = _title_at_foot(geo, geometry[index + 1] if index + 1 < len(geometry) else None, starts, family_set)
        if foot is not None:
            if current is not None and current.segments[-1].page == geo.page:
                last = current.segments[-1]
                last.bottom = min(last.bottom, geo.boxes[geo.lines.index(foot[1])].top)
            current = None
    return found


def _title_at_foot(geo: PageGeometry, following: PageGeometry | None, starts: list[int],
                   family_set: FamilySet) -> tuple[Family, Line] | None:
    """A title on the last line of a page whose header opens the next page (江苏人大 2017 p18 → p19)."""
    lines = [line for line in geo.lines if not _PAGE_NUMBER.match(line.text)]
    if not lines or following is None or not following.lines:
        return None
    i = geo.lines.index(lines[-1])
    family = _title_at(geo.lines, i, family_set)
    if family is None or i in starts or not _has_header_after([lines[-1], *following.lines[:5]], 0, family_set):
        return None
    return family, lines[-1]


def _found_at(family: Family, title: Line, header: list[Line], segment: _Segment, file: str,
              family_set: FamilySet) -> _Found:
    unit = next((m.group(1) for line in header if (m := _UNIT.search(squeeze(line.text)))), "万元")
    return _Found(family=family, title=squeeze(title.text), label=table_label(title.text), unit=unit,
                  source=title.source(file), segments=[segment], family_set=family_set)


def _other_titles(lines: list[Line], family_set: FamilySet) -> list[int]:
    """Lines that title a table of no family (一般公共预算财政拨款项目支出决算表, 机构运行经费…信息表) over a header:
    the standard table before such a title ends there."""
    return [i for i, line in enumerate(lines)
            if "表" in line.text and is_other_title(line.text, family_set)
            and not (i > 0 and _wrapped_title(squeeze(lines[i - 1].text), squeeze(line.text), family_set))
            and _has_header_after(lines, i, family_set)]


def _repeats_title(current: _Found | None, family: Family, geo: PageGeometry, i: int) -> bool:
    """A table printed over several pages with its label, title and header repeated on each (表 2 收入决算表 on
    pages 8 and 9): the title at the top of the page after the table's last page continues it."""
    if current is None or current.family is not family or current.segments[-1].page != geo.page - 1:
        return False
    above = [line for line in geo.lines[:i] if not _PAGE_NUMBER.match(line.text)]
    return all(table_label(line.text) or len(squeeze(line.text)) <= 4 for line in above)
