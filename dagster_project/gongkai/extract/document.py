"""Reading a report file into a :class:`Document` of lines with page and line numbers.

Text dumps of PDFs mark a new page by a line that starts with exactly one space (the dump's page separator), by a
``<PDF_KEY>…`` marker, or after a bare page number printed at the foot of a page. PDFs are read by
:mod:`gongkai.extract.pdf_document`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from gongkai.extract.pattern_cache import compiled
from gongkai.extract.records import Document, Line, PageInfo
from gongkai.extract.text import REPLACEMENT, has_traditional, restore_brackets, to_simplified

_PDF_MARKER = compiled(r"^\s*<PDF_KEY>")
_PAGE_NUMBER = compiled(r"^\s*-?\s*\d{1,4}\s*-?\s*$")
_PAGE_START = compiled(r"^ \S")
_CONTROL = compiled("[\x00-\x08\x0b\x0e-\x1f\x7f]")

# Per-file limits: a department report's text dump is well under 1 MB (the seed is 60 KB) and parses at roughly
# 2 s per MB; a PDF's pages are bounded by pdf_document.MAX_PAGES. Larger files are refused as 'too_large'.
MAX_TEXT_BYTES = 16 * 1024 * 1024
MAX_PDF_BYTES = 256 * 1024 * 1024


class DocumentError(Exception):
    """The file cannot be read as a report document. ``kind`` is a stable error kind for raw.ingest_errors."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def decode(data: bytes) -> tuple[str, str]:
    """Decode a text dump: UTF-8 (with or without BOM), UTF-16 (BOM, or LE/BE told apart by what the text looks like),
    or GB18030/GBK. A file that holds only whitespace (also U+3000 or a bare BOM) is 'empty_file'; binary data or text in
    none of these encodings is 'unknown_encoding'."""
    if not data.strip():
        raise DocumentError("empty_file", "the file is empty (whitespace only)")
    text, encoding = _decode(data)
    if not text.strip():
        raise DocumentError("empty_file", "the file holds only whitespace")
    controls = len(_CONTROL.findall(text))
    if controls > max(8, len(text) // 100):
        raise DocumentError("unknown_encoding", f"the file holds binary data ({controls} control characters after "
                                                f"decoding as {encoding}), not report text")
    return text, encoding


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    utf16 = _decode_utf16(data)
    if utf16 is not None:
        return utf16
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    raise DocumentError("unknown_encoding", "the file is neither UTF-8, UTF-16 nor GB18030/GBK text")


def _decode_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM: the byte order whose text is (almost) all CJK, ASCII and punctuation; NUL bytes at odd
    offsets (ASCII in little-endian) break a tie."""
    even = data[: len(data) - len(data) % 2]
    candidates = []
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = even.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible_share(text) >= 0.95:
            candidates.append((encoding, text))
    if len(candidates) == 2:
        odd_nuls, even_nuls = even[1::2].count(0), even[0::2].count(0)
        if odd_nuls != even_nuls:
            return (candidates[0] if odd_nuls > even_nuls else candidates[1])[::-1]
        candidates.sort(key=lambda c: -_plausible_share(c[1]))
    return candidates[0][::-1] if candidates else None


def _plausible_share(text: str) -> float:
    """The share of characters a Chinese report is made of: ASCII, CJK, CJK and full-width punctuation, symbols."""
    if not text:
        return 0.0
    return sum(1 for ch in text if _is_plausible(ord(ch))) / len(text)


def _is_plausible(o: int) -> bool:
    return (
        0x20 <= o <= 0x7E or o in (0x09, 0x0A, 0x0D, 0x0C)
        or 0xA0 <= o <= 0xFF or 0x2000 <= o <= 0x27BF or 0x3000 <= o <= 0x33FF or 0x3400 <= o <= 0x9FFF
        or 0xF900 <= o <= 0xFAFF or 0xFE30 <= o <= 0xFE4F or 0xFF00 <= o <= 0xFFEF or o == 0xFFFD
    )


def split_pages(text: str, file: str) -> tuple[list[Line], list[PageInfo]]:
    """Split a decoded text dump into non-empty, normalized lines numbered by file line and page."""
    text = to_simplified(text.replace("\u3000", " "))
    lines: list[Line] = []
    pages: list[PageInfo] = []
    page, chars, replacements = 1, 0, 0
    pending_break = False
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped:
            continue
        marker = "<PDF_KEY>" in raw and _PDF_MARKER.match(raw)
        starts_page = marker or pending_break or (raw[0] == " " and _PAGE_START.match(raw) is not None)
        if starts_page and chars:
            pages.append(_page_info(page, chars, replacements))
            page, chars, replacements = page + 1, 0, 0
        pending_break = False
        if marker:
            continue
        short_number = len(stripped) <= 8 and (stripped[0] == "-" or stripped[0].isdigit())  # (cheap tests first)
        if short_number and chars and _PAGE_NUMBER.match(stripped):  # a bare page number: '12', '- 12 -'
            pending_break = True
            continue
        if REPLACEMENT in stripped:
            replacements += stripped.count(REPLACEMENT)
            stripped = restore_brackets(stripped)
        chars += len(stripped)
        lines.append(Line(stripped, page, number))
    pages.append(_page_info(page, chars, replacements))
    return lines, pages


def normalize(text: str) -> str:
    return to_simplified(restore_brackets(text.replace("\u3000", " ")))


def is_normal(text: str) -> bool:
    """Whether ``normalize(text)`` is ``text`` (true of most lines; one scan of the line instead of each word's)."""
    return "\u3000" not in text and REPLACEMENT not in text and not has_traditional(text)


def _page_info(page: int, chars: int, replacements: int) -> PageInfo:
    if chars == 0:
        status = "empty"
    elif replacements > max(20, chars // 10):
        status = "garbled"
    else:
        status = "text"
    return PageInfo(page=page, status=status, chars=chars, replacement_chars=replacements)


def read_text_document(path: str | Path, data: bytes | None = None) -> Document:
    path = Path(path)
    data = path.read_bytes() if data is None else data
    try:
        text, encoding = decode(data)
    except DocumentError as error:
        raise DocumentError(error.kind, f"{path.name}: {error}") from None
    lines, pages = split_pages(text, str(path))
    return Document(
        file=str(path),
        format="text",
        encoding=encoding,
        lines=lines,
        pages=pages,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )


def read_document(path: str | Path) -> Document:
    """Read a report file of any supported format (text dump or PDF)."""
    path = Path(path)
    if not path.is_file():
        raise DocumentError("not_a_file", f"{path} is not a readable file")
    size = path.stat().st_size
    if size == 0:
        raise DocumentError("empty_file", f"{path.name} is empty (0 bytes)")
    is_pdf = path.suffix.lower() == ".pdf"
    if not is_pdf:
        with path.open("rb") as handle:
            is_pdf = handle.read(5) == b"%PDF-"
    limit = MAX_PDF_BYTES if is_pdf else MAX_TEXT_BYTES
    if size > limit:
        raise DocumentError("too_large", f"{path.name} is {size / 2**20:.1f} MB, over the {limit // 2**20} MB limit "
                                         f"for a {'PDF' if is_pdf else 'text'} report")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DocumentError("not_a_file", f"{path} cannot be read: {error.strerror or error}") from None
    if is_pdf:
        from gongkai.extract.pdf_document import read_pdf_document

        return read_pdf_document(path, data)
    return read_text_document(path, data)
