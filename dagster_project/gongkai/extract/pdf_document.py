"""Reading a PDF report into a :class:`Document` of lines, from character positions.

The characters, ruling paths and images of each page come from a reader (:mod:`pdf_chars`: PDFium; for a file
PDFium cannot open, :mod:`pdf_plumber`: pdfminer). Lines are built here from the characters by their *baseline*
(pdfplumber's ``extract_text`` clusters by *top*, so a number printed in another font lands on a line of its own),
words are split on horizontal gaps, on vertical ruling lines and on a change between CJK and Latin runs, and
characters spaced out one by one ('因 公 出 国') are joined. Every page gets a :class:`PageInfo` status: 'text',
'empty', 'scanned' (images, no text layer), 'cid' (glyphs without a Unicode map), 'garbled' (U+FFFD runs) or
'error' (the page could not be read; the rest goes on).

The page geometry (where each line sits vertically and the ruling lines) is kept on ``Document.geometry`` for
:mod:`pdf_tables`.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path

from gongkai.extract.document import DocumentError, is_normal, normalize
from gongkai.extract.pdf_chars import PdfiumReader
from gongkai.extract.pdf_content import Char, PageContent
from gongkai.extract.records import Document, Line, PageInfo, Word
from gongkai.extract.text import REPLACEMENT

MAX_PAGES = 300
#: Wall-clock seconds one page may take (GONGKAI_PAGE_TIMEOUT overrides; 0 = no limit): a page past it is recorded
#: as unreadable ('error') and the next page is read. Real pages take milliseconds.
PAGE_SECONDS = 60.0
#: A stream inflating past this is a decompression bomb (a report's largest, a scanned page, inflates to ~30 MB).
MAX_INFLATED = 256 * 2**20
_STREAM = re.compile(rb"stream\r?\n")

_CID = re.compile(r"\(cid:\d+\)")
#: Slack on every distance threshold: PDFium's coordinates are single precision, so a gap printed exactly at a
#: threshold (0.3 pt between '标' and '4') may come out a ten-thousandth over it.
_SLACK = 1e-3


@dataclass(slots=True)
class LineBox:
    """Vertical position (points from the top of the page) of one Line."""

    top: float
    bottom: float
    baseline: float


@dataclass(slots=True)
class PageGeometry:
    """What the table reader needs from a page beyond its text: line positions and ruling lines."""

    page: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    boxes: list[LineBox] = field(default_factory=list)
    h_rules: list[tuple[float, float, float]] = field(default_factory=list)  # (y, x0, x1)
    v_rules: list[tuple[float, float, float]] = field(default_factory=list)  # (x, top, bottom)
    #: the rules indexed for the ruled grids of the page (:class:`pdf_grid.RuleIndex`), built by the first grid
    rule_index: object = field(default=None, repr=False, compare=False)


def read_pdf_document(path: str | Path, data: bytes | None = None, max_pages: int = MAX_PAGES) -> Document:
    """Read a PDF report into a Document (format 'pdf'). Raises DocumentError('encrypted_pdf' | 'corrupt_pdf')."""
    return read_pdf(path, data, max_pages)[0]


def read_pdf(
    path: str | Path, data: bytes | None = None, max_pages: int = MAX_PAGES
) -> tuple[Document, list[PageGeometry]]:
    """Read a PDF into a Document and the per-page geometry the table reader uses."""
    path = Path(path)
    data = path.read_bytes() if data is None else data
    if b"%PDF-" not in data[:1024]:
        raise DocumentError("corrupt_pdf", f"{path.name} is not a PDF (no %PDF- header)")
    lines: list[Line] = []
    pages: list[PageInfo] = []
    geometry: list[PageGeometry] = []
    reader = open_pdf(data, path.name)
    try:
        total = len(reader)
        errors = 0
        page_seconds = _page_seconds()
        for number in range(1, min(total, max_pages) + 1):
            try:
                with _page_deadline(page_seconds):
                    geo, info = _read_page(reader.read_page(number - 1), number)
            except Exception:  # PageTimeout included: the page is unreadable, the rest is read
                errors += 1
                pages.append(PageInfo(page=number, status="error"))
                continue
            pages.append(info)
            geometry.append(geo)
            lines.extend(geo.lines)
        if total and errors == len(pages):
            raise DocumentError("corrupt_pdf", f"{path.name}: no page could be read")
    finally:
        reader.close()
    document = Document(
        file=str(path),
        format="pdf",
        encoding=None,
        lines=lines,
        pages=pages,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        geometry=geometry,
        pages_total=total,
        reader=reader.name,
    )
    return document, geometry


class PageTimeout(Exception):
    """A page took longer than its deadline (PAGE_SECONDS)."""


def _page_seconds() -> float:
    try:
        return float(os.environ.get("GONGKAI_PAGE_TIMEOUT", "") or PAGE_SECONDS)
    except ValueError:
        return PAGE_SECONDS


@contextmanager
def _page_deadline(seconds: float) -> Iterator[None]:
    """Raise PageTimeout in the block once ``seconds`` have passed (SIGALRM: only in a main thread; a single call
    into PDFium is not interrupted, the per-file deadline of the parse step covers that). A block that ends past its
    deadline raises too: the alarm's exception is lost when it fires inside a gc or ``__del__`` callback."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def stop(signum, frame):
        raise PageTimeout(f"page past its {seconds:g} s deadline")

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if time.monotonic() - started > seconds:
        raise PageTimeout(f"page past its {seconds:g} s deadline")


def open_pdf(data: bytes, file_name: str):
    """PDFium's reader; pdfplumber's for a file PDFium cannot open (whose error is raised if neither can) and for a
    decompression bomb: PDFium ends the process when an allocation fails, pdfminer raises MemoryError for the page
    (recorded as an unreadable page)."""
    if not _inflates_past(data, MAX_INFLATED):
        try:
            return PdfiumReader(data, file_name)
        except DocumentError as error:
            if error.kind == "encrypted_pdf":
                raise
    from gongkai.extract.pdf_plumber import PdfplumberReader

    return PdfplumberReader(data, file_name)


def _inflates_past(data: bytes, limit: int) -> bool:
    """Whether a Flate stream of the file inflates past ``limit`` bytes (the rest of the file is not looked at)."""
    start = 0
    while True:
        found = _STREAM.search(data, start)
        if found is None:
            return False
        end = data.find(b"endstream", found.end())
        end = len(data) if end < 0 else end
        inflater = zlib.decompressobj()
        try:
            inflater.decompress(data[found.end():end], limit)
        except zlib.error:
            pass
        else:
            if inflater.unconsumed_tail:
                return True
        start = end


# --- one page ------------------------------------------------------------------------------------------------------


def _read_page(content: PageContent, number: int) -> tuple[PageGeometry, PageInfo]:
    chars = _on_page(content)
    geo = PageGeometry(page=number, width=content.width, height=content.height)
    if not chars:
        status = "scanned" if content.images else "empty"
        return geo, PageInfo(page=number, status=status)
    _collect_rules(content, geo)
    rows = _cluster_rows(chars)
    cid = 0
    cid_chars = 0
    replacement = 0
    total = 0
    line_no = 0
    for baseline, row in rows:
        words = _split_words(row, baseline, geo.v_rules)
        raw_text = " ".join([w[0] for w in words])
        if not raw_text.strip():
            continue
        if "(cid:" in raw_text:
            found = _CID.findall(raw_text)
            cid += len(found)
            cid_chars += sum(len(f) for f in found)
        replacement += raw_text.count(REPLACEMENT)
        total += len(raw_text) - len(words) + 1  # the words' characters, without the spaces joining them
        line_no += 1
        if is_normal(raw_text):
            norm_words = tuple([Word(t, x0, x1) for t, x0, x1 in words])
            text = raw_text
        else:
            norm_words = tuple([Word(normalize(t), x0, x1) for t, x0, x1 in words])
            text = " ".join([w.text for w in norm_words])
        geo.lines.append(Line(text=text, page=number, line=line_no, words=norm_words))
        geo.boxes.append(LineBox(top=min(map(_top, row)), bottom=max(map(_bottom, row)), baseline=baseline))
    if total == 0:
        status = "scanned" if content.images else "empty"
    elif cid and cid * 5 > total - cid_chars + cid and cid >= min(5, (total - cid_chars + cid) // 2 or 1):
        # '(cid:12)' is one glyph printed as eight characters: compare glyphs with glyphs
        status = "cid"
    elif replacement > max(20, total // 10):
        status = "garbled"
    else:
        status = "text"
    return geo, PageInfo(page=number, status=status, chars=total, cid_glyphs=cid, replacement_chars=replacement)


def _on_page(content: PageContent) -> list[Char]:
    """The characters printed inside the page box. A spreadsheet printed to PDF can carry the rest of its sheet as
    text far off the page (a next table 2,000 points below the bottom edge): nobody sees it, and it is printed again
    on its own page."""
    slack = 2.0
    low, below, right = -slack, content.height + slack, content.width + slack
    return [c for c in content.chars if c.bottom > low and c.top < below and c.x1 > low and c.x0 < right]


def _collect_rules(content: PageContent, geo: PageGeometry) -> None:
    """Horizontal and vertical ruling lines (from lines and thin rectangles)."""
    for path in content.paths:
        x0, x1, top, bottom = path.x0, path.x1, path.top, path.bottom
        w, h = x1 - x0, bottom - top
        if h <= 2.5 and w > 2:
            geo.h_rules.append(((top + bottom) / 2, x0, x1))
        elif w <= 2.5 and h > 2:
            geo.v_rules.append(((x0 + x1) / 2, top, bottom))
        elif path.kind == "rect" and w > 2 and h > 2:  # a stroked cell rectangle: its four sides
            geo.h_rules.append((top, x0, x1))
            geo.h_rules.append((bottom, x0, x1))
            geo.v_rules.append((x0, top, bottom))
            geo.v_rules.append((x1, top, bottom))


def _cluster_rows(chars: list[Char]) -> list[tuple[float, list[Char]]]:
    """Group characters into lines by baseline (tolerance: a third of the character size)."""
    keyed = sorted([c for c in chars if c.text and c.text != "\n"], key=_baseline)
    if not keyed:
        return []
    rows: list[tuple[float, list[Char]]] = []
    reach = _ROW_REACH
    start = 0
    anchor = keyed[0].baseline
    for i, c in enumerate(keyed):
        base = c.baseline
        if base - anchor <= reach[c.size]:
            continue
        rows.append((anchor, keyed[start:i]))
        start = i
        anchor = base
    rows.append((anchor, keyed[start:]))
    return rows


class _RowReach(dict):
    """How far below a line's first baseline a character of a size still belongs to the line, by size."""

    def __missing__(self, size: float) -> float:
        tolerance = 0.3 * (size or 10)
        reach = (tolerance if tolerance > 1.5 else 1.5) + _SLACK
        if size == size:  # NaN is never found again: not kept
            self[size] = reach
        return reach


_ROW_REACH = _RowReach()


_baseline, _x0, _top, _bottom = attrgetter("baseline"), attrgetter("x0"), attrgetter("top"), attrgetter("bottom")


def _is_cjk(ch: str) -> bool:
    if not ch:
        return False
    o = ord(ch[0])
    return 0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFF65 or 0x3000 <= o <= 0x303F or o in (0x201C, 0x201D, 0xFFFD)


class _CjkTexts(dict):
    """_is_cjk of a character's text, or None for white space, remembered (a report prints a few thousand distinct
    characters)."""

    def __missing__(self, text: str) -> bool | None:
        self[text] = found = None if text.isspace() else _is_cjk(text)
        return found


_CJK = _CjkTexts()


def _split_words(row: list[Char], baseline: float, v_rules: list[tuple[float, float, float]]) -> list[tuple[str, float, float]]:
    """Split a line's characters into words: on gaps, on ruling lines between characters, on CJK/Latin changes."""
    row = sorted(row, key=_x0)
    rules = None  # the vertical rules across the line, found when a gap first asks
    is_cjk = _CJK
    words: list[tuple[str, float, float]] = []
    text: list[str] = []
    x0 = x1 = 0.0
    prev_text = prev_font = ""
    prev_size = 10
    prev_cjk = False
    spaced = False
    for c in row:
        ch = c.text
        cjk = is_cjk[ch]
        if cjk is None:
            spaced = True
            continue
        size = c.size or 10
        cx0 = c.x0
        if text:
            gap = cx0 - x1
            small = size if size < prev_size else prev_size
            both_cjk = prev_cjk and cjk
            if gap > (1.3 * small if both_cjk else 0.3 * small) + _SLACK or (spaced and not both_cjk):
                split = True
            else:
                split = False
                if rules is None and v_rules and gap > 0.5 + _SLACK:
                    rules = [x for x, top, bottom in v_rules if top - 1 <= baseline <= bottom + 3]
                if rules and gap > 0.5 + _SLACK and any(x1 - 0.5 <= r <= cx0 + 0.5 for r in rules):
                    split = True
                elif prev_cjk != cjk and (gap > 0.3 + _SLACK or prev_font != c.font):
                    split = _word_break_between(prev_text, ch)
            if split:
                words.append(("".join(text), x0, x1))
                text = [ch]
                x0 = cx0
                x1 = c.x1
            else:
                text.append(ch)
                cx1 = c.x1
                if cx1 > x1:
                    x1 = cx1
        else:
            text.append(ch)
            x0 = cx0
            x1 = c.x1
        prev_text = ch
        prev_font = c.font
        prev_size = size
        prev_cjk = cjk
        spaced = False
    if text:
        words.append(("".join(text), x0, x1))
    return words


def _word_break_between(a: str, b: str) -> bool:
    """Break between a CJK and a Latin run printed in different fonts, unless it is punctuation hugging a number."""
    pair = a[-1] + b[0]
    if any(p in pair for p in "%（）()，。、；：“”\"'.,;:"):
        return False
    return True
