"""Rows of a PDF table broken over lines or pages: without rules, a text-only line joins the row it belongs to; a
continuation page's first row may only end the name of the last row before it, and its repeated 合计 is no row."""

from __future__ import annotations

from gongkai.extract.classification_codes import leading_code
from gongkai.extract.pdf_table_layout import _Band, _NUMBERED
from gongkai.extract.pdf_table_locate import _Found
from gongkai.extract.pdf_table_rows import _has_values
from gongkai.extract.records import TableRow
from gongkai.extract.row_items import match_item
from gongkai.extract.text import is_amount, squeeze


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
