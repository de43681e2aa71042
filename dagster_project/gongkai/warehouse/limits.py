"""What the parse step refuses to spend on one file: wall-clock time and pages.

The extraction library has limits of its own (pdf_document.MAX_PAGES pages read, 16 MB of text); these are the
pipeline's, checked around the parser.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Per-file wall-clock limit of the parse step, in seconds (GONGKAI_PARSE_TIMEOUT overrides; 0 = no limit).
#: The slowest real report (the Putuo PDF, 25 pages) parses in ~5 s on a loaded 2-core machine; 300 pages at
#: ~1 s a page is well inside the limit.
DEFAULT_PARSE_TIMEOUT = 600.0
#: A PDF whose page tree holds more pages than this is refused ('too_many_pages') before it is parsed: it is no
#: department report (those run to tens of pages). Below it, the extraction library reads at most its own
#: pdf_document.MAX_PAGES (300) pages and records a 'page_limit' issue for the rest.
MAX_PDF_PAGES = 2000
#: A file larger than this is refused ('too_large') from its size alone, before anything reads it
#: (GONGKAI_MAX_FILE_MB overrides). Real reports run to a few MB; a scanned one to tens.
DEFAULT_MAX_FILE_MB = 256.0


#: Address space one parse worker may use (GONGKAI_PARSE_MEMORY_MB; 0 = no limit). The 171-page Xi'an final peaks
#: at ~450 MB of address space; a decompression bomb (a page whose content inflates to gigabytes) hits the limit,
#: and the PDF reader records that page as unreadable ('error') instead of taking the machine's memory.
DEFAULT_PARSE_MEMORY_MB = 4096.0


def parse_memory_bytes() -> int | None:
    """The per-worker memory limit in bytes, None for none (``GONGKAI_PARSE_MEMORY_MB``)."""
    try:
        megabytes = float(os.environ.get("GONGKAI_PARSE_MEMORY_MB", "") or DEFAULT_PARSE_MEMORY_MB)
    except ValueError:
        megabytes = DEFAULT_PARSE_MEMORY_MB
    return int(megabytes * 1024 * 1024) if megabytes > 0 else None


def max_file_bytes() -> int:
    """The per-file size limit in bytes (``GONGKAI_MAX_FILE_MB``)."""
    try:
        megabytes = float(os.environ.get("GONGKAI_MAX_FILE_MB", "") or DEFAULT_MAX_FILE_MB)
    except ValueError:
        megabytes = DEFAULT_MAX_FILE_MB
    return int(megabytes * 1024 * 1024)


class PipelineParseError(Exception):
    """A file refused by the parse step itself (before or around the parser): ``kind`` as for ParseError."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def parse_timeout() -> float:
    """The per-file parse deadline in seconds (``GONGKAI_PARSE_TIMEOUT``; 0 or negative: none)."""
    value = os.environ.get("GONGKAI_PARSE_TIMEOUT", "").strip()
    if not value:
        return DEFAULT_PARSE_TIMEOUT
    try:
        return float(value)
    except ValueError:
        return DEFAULT_PARSE_TIMEOUT


def _pdfminer_document(data: bytes):
    """pdfminer's view of a PDF (its cross-reference tables read, no object parsed yet); None if ``data`` is not a
    PDF or its cross-references cannot be read."""
    if b"%PDF-" not in data[:1024]:
        return None
    try:
        import io

        from pdfminer.pdfdocument import PDFDocument
        from pdfminer.pdfparser import PDFParser

        return PDFDocument(PDFParser(io.BytesIO(data)))
    except Exception:  # noqa: BLE001 - encrypted, truncated, odd trees: the parser says what is wrong
        return None


def _object_count(document) -> int | None:
    """The objects a PDF's cross-reference tables hold — at least its page count, for every page the walk below
    counts is an object of its own, found through those tables and counted once; None if they cannot be listed."""
    try:
        return len({objid for xref in document.xrefs for objid in xref.get_objids()})
    except Exception:  # noqa: BLE001 - a broken table: the walk decides
        return None


def _page_leaves(document, stop_after: int | None) -> int | None:
    try:
        from itertools import islice

        from gongkai.extract.pdf_page_tree import page_dicts

        return sum(1 for _ in islice(page_dicts(document), stop_after))
    except Exception:  # noqa: BLE001 - odd trees: the parser says what is wrong
        return None


def pdf_page_count(data: bytes, stop_after: int | None = None) -> int | None:
    """The pages a PDF's page tree actually holds (its leaves, walked without parsing any page's content — not the
    /Count it declares, which may lie), counting at most ``stop_after``; None if the file is not a PDF or its tree
    cannot be read (the parser then reports what is wrong)."""
    document = _pdfminer_document(data)
    return None if document is None else _page_leaves(document, stop_after)


def check_page_limit(path: Path, data: bytes | None = None, limit: int | None = None) -> None:
    """Raise ``PipelineParseError('too_many_pages')`` for a PDF whose page tree holds more than ``limit`` pages."""
    limit = MAX_PDF_PAGES if limit is None else limit
    document = _pdfminer_document(Path(path).read_bytes() if data is None else data)
    if document is None:
        return
    objects = _object_count(document)
    if objects is not None and objects <= limit:  # no more pages than objects: no walk needed
        return
    count = _page_leaves(document, stop_after=limit + 1)
    if count is not None and count > limit:
        raise PipelineParseError(
            "too_many_pages",
            f"{Path(path).name} has more than {limit} pages, the limit for one file "
            "(a department's final accounts run to tens of pages); not parsed",
        )
