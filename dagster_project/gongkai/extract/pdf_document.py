"""Reading a PDF report into a :class:`Document` of lines, from character positions.

pdfplumber's ``extract_text`` clusters characters by their *top*, so a number printed in another font (a separate
text run with a different ascent) lands on a line of its own. Here lines are rebuilt from ``page.chars`` by their
*baseline*, words are split on horizontal gaps, on vertical ruling lines and on a change between CJK and Latin
runs, and characters spaced out one by one ('因 公 出 国') are joined. Every page gets a :class:`PageInfo` status:
'text', 'empty', 'scanned' (images, no text layer), 'cid' (glyphs without a Unicode map), 'garbled' (U+FFFD runs)
or 'error' (the page could not be read; the rest goes on).

The page geometry (where each line sits vertically and the ruling lines) is kept on ``Document.geometry`` for
:mod:`pdf_tables`.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.extract.document import DocumentError, normalize
from gongkai.extract.records import Document, Line, PageInfo, Word
from gongkai.extract.text import REPLACEMENT

MAX_PAGES = 300

_CID = re.compile(r"\(cid:\d+\)")

# pdfminer is chatty about fonts it cannot map; those pages are reported through PageInfo instead.
for _name in ("pdfminer", "pdfminer.pdffont", "pdfminer.pdfpage", "pdfminer.pdfinterp", "pdfminer.psparser"):
    logging.getLogger(_name).setLevel(logging.ERROR)


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


def read_pdf_document(path: str | Path, data: bytes | None = None, max_pages: int = MAX_PAGES) -> Document:
    """Read a PDF report into a Document (format 'pdf'). Raises DocumentError('encrypted_pdf' | 'corrupt_pdf')."""
    return read_pdf(path, data, max_pages)[0]


def read_pdf(
    path: str | Path, data: bytes | None = None, max_pages: int = MAX_PAGES
) -> tuple[Document, list[PageGeometry]]:
    """Read a PDF into a Document and the per-page geometry the table reader uses."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    path = Path(path)
    data = path.read_bytes() if data is None else data
    if b"%PDF-" not in data[:1024]:
        raise DocumentError("corrupt_pdf", f"{path.name} is not a PDF (no %PDF- header)")
    lines: list[Line] = []
    pages: list[PageInfo] = []
    geometry: list[PageGeometry] = []
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfplumber wraps pdfminer's errors in PdfminerException
        raise _open_error(exc, path, PDFEncryptionError, PDFPasswordIncorrect) from None
    try:
        try:
            page_list = pdf.pages
        except Exception as exc:
            raise _open_error(exc, path, PDFEncryptionError, PDFPasswordIncorrect) from None
        errors = 0
        for number, page in enumerate(page_list[:max_pages], start=1):
            try:
                geo, info = _read_page(page, number)
            except Exception:
                errors += 1
                pages.append(PageInfo(page=number, status="error"))
                continue
            finally:
                page.close()
            pages.append(info)
            geometry.append(geo)
            lines.extend(geo.lines)
        if page_list and errors == len(pages):
            raise DocumentError("corrupt_pdf", f"{path.name}: no page could be read")
    finally:
        pdf.close()
    document = Document(
        file=str(path),
        format="pdf",
        encoding=None,
        lines=lines,
        pages=pages,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        geometry=geometry,
        pages_total=len(page_list),
    )
    return document, geometry


def _open_error(exc: Exception, path: Path, *encryption: type) -> DocumentError:
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    if isinstance(inner, encryption) or "password" in str(inner).lower() or "encrypt" in str(inner).lower():
        return DocumentError("encrypted_pdf", f"{path.name} is encrypted and needs a password to be read"
                                              + (f" ({inner})" if str(inner) else ""))
    return DocumentError("corrupt_pdf", f"{path.name} cannot be opened as a PDF: {type(inner).__name__}: {inner}")


# --- one page ------------------------------------------------------------------------------------------------------


def _read_page(page, number: int) -> tuple[PageGeometry, PageInfo]:
    chars = page.chars
    geo = PageGeometry(page=number, width=float(page.width), height=float(page.height))
    if not chars:
        status = "scanned" if page.images else "empty"
        return geo, PageInfo(page=number, status=status)
    _collect_rules(page, geo)
    rows = _cluster_rows(chars)
    cid = 0
    cid_chars = 0
    replacement = 0
    total = 0
    line_no = 0
    for baseline, row in rows:
        words = _split_words(row, baseline, geo.v_rules)
        raw_text = " ".join(w[0] for w in words)
        if not raw_text.strip():
            continue
        found = _CID.findall(raw_text)
        cid += len(found)
        cid_chars += sum(len(f) for f in found)
        replacement += raw_text.count(REPLACEMENT)
        total += sum(len(w[0]) for w in words)
        line_no += 1
        norm_words = tuple(Word(normalize(t), x0, x1) for t, x0, x1 in words)
        geo.lines.append(Line(text=" ".join(w.text for w in norm_words), page=number, line=line_no, words=norm_words))
        geo.boxes.append(LineBox(top=min(c["top"] for c in row), bottom=max(c["bottom"] for c in row), baseline=baseline))
    if total == 0:
        status = "scanned" if page.images else "empty"
    elif cid and cid * 5 > total - cid_chars + cid and cid >= min(5, (total - cid_chars + cid) // 2 or 1):
        # '(cid:12)' is one glyph printed as eight characters: compare glyphs with glyphs
        status = "cid"
    elif replacement > max(20, total // 10):
        status = "garbled"
    else:
        status = "text"
    return geo, PageInfo(page=number, status=status, chars=total, cid_glyphs=cid, replacement_chars=replacement)


def _collect_rules(page, geo: PageGeometry) -> None:
    """Horizontal and vertical ruling lines (from lines and thin rectangles)."""
    try:
        objects = page.objects
    except Exception:
        return
    for kind in ("line", "rect"):
        for obj in objects.get(kind, ()):
            x0, x1, top, bottom = obj["x0"], obj["x1"], obj["top"], obj["bottom"]
            w, h = x1 - x0, bottom - top
            if h <= 2.5 and w > 2:
                geo.h_rules.append(((top + bottom) / 2, x0, x1))
            elif w <= 2.5 and h > 2:
                geo.v_rules.append(((x0 + x1) / 2, top, bottom))
            elif kind == "rect" and w > 2 and h > 2:  # a stroked cell rectangle: its four sides
                geo.h_rules.append((top, x0, x1))
                geo.h_rules.append((bottom, x0, x1))
                geo.v_rules.append((x0, top, bottom))
                geo.v_rules.append((x1, top, bottom))


def _baseline(c: dict) -> float:
    matrix = c.get("matrix")
    if matrix and c.get("upright", True):
        return c["top"] + (c["y1"] - matrix[5])
    return c["bottom"]


def _cluster_rows(chars: list[dict]) -> list[tuple[float, list[dict]]]:
    """Group characters into lines by baseline (tolerance: a third of the character size)."""
    keyed = sorted(((_baseline(c), c) for c in chars if c["text"] and c["text"] != "\n"), key=lambda t: t[0])
    rows: list[tuple[float, list[dict]]] = []
    current: list[dict] = []
    anchor = None
    for base, c in keyed:
        tolerance = max(1.5, 0.3 * (c.get("size") or 10))
        if anchor is not None and base - anchor <= tolerance:
            current.append(c)
            continue
        if current:
            rows.append((anchor, current))
        current = [c]
        anchor = base
    if current:
        rows.append((anchor, current))
    return rows


def _is_cjk(ch: str) -> bool:
    if not ch:
        return False
    o = ord(ch[0])
    return 0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFF65 or 0x3000 <= o <= 0x303F or o in (0x201C, 0x201D, 0xFFFD)


def _split_words(row: list[dict], baseline: float, v_rules: list[tuple[float, float, float]]) -> list[tuple[str, float, float]]:
    """Split a line's characters into words: on gaps, on ruling lines between characters, on CJK/Latin changes."""
    row = sorted(row, key=lambda c: c["x0"])
    rules = [x for x, top, bottom in v_rules if top - 1 <= baseline <= bottom + 3] if v_rules else []
    words: list[tuple[str, float, float]] = []
    text: list[str] = []
    x0 = x1 = 0.0
    prev = None
    spaced = False
    for c in row:
        ch = c["text"]
        if ch.isspace():
            spaced = True
            continue
        if prev is not None:
            gap = c["x0"] - x1
            size = min(prev.get("size") or 10, c.get("size") or 10)
            both_cjk = _is_cjk(prev["text"]) and _is_cjk(ch)
            split = False
            if gap > (1.3 * size if both_cjk else 0.3 * size) or (spaced and not both_cjk):
                split = True
            elif gap > 0.5 and any(x1 - 0.5 <= r <= c["x0"] + 0.5 for r in rules):
                split = True
            elif _is_cjk(prev["text"]) != _is_cjk(ch) and (gap > 0.3 or prev.get("fontname") != c.get("fontname")):
                split = _word_break_between(prev["text"], ch)
            if split:
                words.append(("".join(text), x0, x1))
                text = []
        if not text:
            x0 = c["x0"]
        text.append(ch)
        x1 = max(x1, c["x1"]) if text[:-1] else c["x1"]
        prev = c
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
