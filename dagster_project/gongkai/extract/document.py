"""Reading a report file into a :class:`Document` of lines with page and line numbers.

Text dumps of PDFs mark a new page by a line that starts with exactly one space (the dump's page separator), by a
``<PDF_KEY>…`` marker, or after a bare page number printed at the foot of a page. PDFs are read by
:mod:`gongkai.extract.pdf_document`.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from gongkai.extract.records import Document, Line, PageInfo
from gongkai.extract.text import REPLACEMENT, restore_brackets, to_simplified

_PDF_MARKER = re.compile(r"^\s*<PDF_KEY>")
_PAGE_NUMBER = re.compile(r"^\s*-?\s*\d{1,4}\s*-?\s*$")
_PAGE_START = re.compile(r"^ \S")


class DocumentError(Exception):
    """The file cannot be read as a report document. ``kind`` is a stable error kind for raw.ingest_errors."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def decode(data: bytes) -> tuple[str, str]:
    """Decode a text dump: UTF-8 (with or without BOM), UTF-16 (BOM or NUL-interleaved), or GB18030/GBK."""
    if not data.strip():
        raise DocumentError("empty_file", "the file is empty")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if data.count(b"\x00") > len(data) // 4:
        encoding = "utf-16-le" if data[1:2] == b"\x00" or data[:1] != b"\x00" else "utf-16-be"
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise DocumentError("unknown_encoding", "the file is neither UTF-8, UTF-16 nor GB18030/GBK text")


def split_pages(text: str, file: str) -> tuple[list[Line], list[PageInfo]]:
    """Split a decoded text dump into non-empty, normalized lines numbered by file line and page."""
    lines: list[Line] = []
    page = 1
    page_has_content = False
    pending_break = False
    replacement_counts: dict[int, int] = {}
    char_counts: dict[int, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped:
            continue
        starts_page = _PDF_MARKER.match(raw) or _PAGE_START.match(raw) or pending_break
        if starts_page and page_has_content:
            page += 1
            page_has_content = False
        pending_break = False
        if _PDF_MARKER.match(raw):
            continue
        if _PAGE_NUMBER.match(raw) and page_has_content:
            pending_break = True
            continue
        replacement_counts[page] = replacement_counts.get(page, 0) + stripped.count(REPLACEMENT)
        char_counts[page] = char_counts.get(page, 0) + len(stripped)
        lines.append(Line(text=normalize(stripped), page=page, line=number))
        page_has_content = True
    pages = [_page_info(p, char_counts.get(p, 0), replacement_counts.get(p, 0)) for p in range(1, page + 1)]
    return lines, pages


def normalize(text: str) -> str:
    return to_simplified(restore_brackets(text.replace("\u3000", " ")))


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
    text, encoding = decode(data)
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
    data = path.read_bytes()
    if data[:5] == b"%PDF-" or path.suffix.lower() == ".pdf":
        from gongkai.extract.pdf_document import read_pdf_document

        return read_pdf_document(path, data)
    return read_text_document(path, data)
