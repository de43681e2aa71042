"""Font names as pdfminer gives them, where PDFium's tell fonts apart differently.

The line builder splits a CJK run from a Latin one printed in another font, so which characters share a font must
come out as in pdfminer, which names a font by its FontDescriptor's FontName. PDFium names it by its BaseFont and
drops the subset tag ('ABCDEE+') of an embedded simple (TrueType, Type1) font: a document whose producer tags every
font alike ('ABCDEE+仿宋' for both the Type0 font of the Chinese and the TrueType font of the digits) reads as two
fonts, and one whose BaseFont lacks the tag its FontName has reads as another font than its tagged sibling. Where a
page holds such a name beside a font of the same untagged name, the document's own names are looked up (its font
dictionaries, read once with pdfminer's object parser: no page is laid out, no page's contents parsed).
"""

from __future__ import annotations

import io
import re

from gongkai.extract.pdf_page_tree import page_dicts

_TAG = re.compile(r"^[A-Z]{6}\+")


def untagged(name: str) -> str:
    """The name without its subset tag."""
    return _TAG.sub("", name)


def is_tagged(name: str) -> bool:
    return _TAG.match(name) is not None


class FontNames:
    """An open PDF's embedded simple fonts: their BaseFont without subset tag → their FontNames."""

    def __init__(self, data: bytes):
        self._data = data
        self._names: dict[str, set[str]] | None = None

    def font_name(self, name: str) -> str | None:
        """The FontName of the one embedded simple font whose BaseFont is ``name`` or ``name`` with a tag; None if
        there is none or more than one."""
        if self._names is None:
            self._names = _simple_font_names(self._data)
        found = self._names.get(name, ())
        return next(iter(found)) if len(found) == 1 else None


def _simple_font_names(data: bytes) -> dict[str, set[str]]:
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    names: dict[str, set[str]] = {}
    seen: set[int] = set()
    try:
        for page in page_dicts(PDFDocument(PDFParser(io.BytesIO(data)))):
            fonts = resolve1((resolve1(page.get("Resources")) or {}).get("Font")) or {}
            for ref in fonts.values():
                key = getattr(ref, "objid", None) or id(ref)
                if key in seen:
                    continue
                seen.add(key)
                font = resolve1(ref)
                if not isinstance(font, dict) or _name(font.get("Subtype")) == "Type0":
                    continue
                descriptor = resolve1(font.get("FontDescriptor"))
                if not isinstance(descriptor, dict) or not any(
                        k in descriptor for k in ("FontFile", "FontFile2", "FontFile3")):
                    continue
                base, font_name = _name(font.get("BaseFont")), _name(descriptor.get("FontName"))
                if base and font_name:
                    names.setdefault(untagged(base), set()).add(font_name)
    except Exception:  # noqa: BLE001 - a file pdfminer cannot walk keeps PDFium's names
        return names
    return names


def _name(value) -> str:
    """A PDF name as PDFium spells it (its bytes read as latin-1)."""
    from pdfminer.pdftypes import resolve1

    value = resolve1(value)
    value = getattr(value, "name", value)
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value.encode("utf-8").decode("latin-1") if isinstance(value, str) else ""
