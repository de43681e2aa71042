"""The fallback PDF reader: pdfplumber (pdfminer), for a file PDFium cannot open.

It gives the same :class:`~gongkai.extract.pdf_content.PageContent` as the PDFium reader, from ``page.chars`` and
``page.objects``, about ten times slower; a document read this way says so (``Document.reader``) and its report
carries a 'pdf_fallback_reader' issue.
"""

from __future__ import annotations

import io
import logging

from gongkai.extract.document import DocumentError
from gongkai.extract.pdf_content import Char, PageContent, PathBox

# pdfminer is chatty about fonts it cannot map; those pages are reported through PageInfo instead.
for _name in ("pdfminer", "pdfminer.pdffont", "pdfminer.pdfpage", "pdfminer.pdfinterp", "pdfminer.psparser"):
    logging.getLogger(_name).setLevel(logging.ERROR)


class PdfplumberReader:
    """An open PDF read page by page with pdfplumber. Raises DocumentError('encrypted_pdf' | 'corrupt_pdf')."""

    name = "pdfplumber"

    def __init__(self, data: bytes, file_name: str):
        import pdfplumber

        try:
            self._pdf = pdfplumber.open(io.BytesIO(data))
            self._pages = self._pdf.pages
        except Exception as exc:  # pdfplumber wraps pdfminer's errors in PdfminerException
            raise _open_error(exc, file_name) from None

    def __len__(self) -> int:
        return len(self._pages)

    def read_page(self, index: int) -> PageContent:
        page = self._pages[index]
        try:
            content = PageContent(width=float(page.width), height=float(page.height),
                                  chars=[_char(c) for c in page.chars], images=len(page.images))
            try:
                objects = page.objects
            except Exception:  # noqa: BLE001 - a page whose paths cannot be read still has its text
                return content
            content.paths = [PathBox(kind, o["x0"], o["x1"], o["top"], o["bottom"])
                             for kind in ("line", "rect") for o in objects.get(kind, ())]
            return content
        finally:
            page.close()

    def close(self) -> None:
        self._pdf.close()


def _char(c: dict) -> Char:
    matrix = c.get("matrix")
    baseline = c["top"] + (c["y1"] - matrix[5]) if matrix and c.get("upright", True) else c["bottom"]
    return Char(c["text"], c["x0"], c["x1"], c["top"], c["bottom"], baseline, c.get("size") or 0.0,
                c.get("fontname") or "")


def _open_error(exc: Exception, file_name: str) -> DocumentError:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    if isinstance(inner, (PDFEncryptionError, PDFPasswordIncorrect)) or "password" in str(inner).lower() \
            or "encrypt" in str(inner).lower():
        return DocumentError("encrypted_pdf", f"{file_name} is encrypted and needs a password to be read"
                                              + (f" ({inner})" if str(inner) else ""))
    return DocumentError("corrupt_pdf", f"{file_name} cannot be opened as a PDF: {type(inner).__name__}: {inner}")
