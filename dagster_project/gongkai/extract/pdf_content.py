"""What a PDF page prints, as both readers hand it to the line builder, and where: pdfminer's coordinates.

Points from the top-left corner of the page's MediaBox turned by its /Rotate; a character's box runs from the font's
descent to one em above it, across the glyph's advance; a path piece is a line or an axis-aligned rectangle.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field

import pypdfium2.raw as raw


@dataclass(slots=True)
class Char:
    """One printed character: its text, advance box (x0, x1, top, bottom), baseline, size and font name."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    baseline: float
    size: float
    font: str


@dataclass(slots=True)
class PathBox:
    """The box of a straight path piece: kind 'line' (two points) or 'rect' (an axis-aligned rectangle)."""

    kind: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(slots=True)
class PageContent:
    """What one page prints, in points from its top-left corner."""

    width: float
    height: float
    chars: list[Char] = field(default_factory=list)
    paths: list[PathBox] = field(default_factory=list)
    images: int = 0


@dataclass(slots=True)
class Frame:
    """The affine map from PDF user space to (x, top), and the page size, after the page's /Rotate."""

    a: float
    b: float
    c: float
    d: float
    e: float
    f: float
    width: float
    height: float

    def point(self, x: float, y: float) -> tuple[float, float]:
        return self.a * x + self.c * y + self.e, self.b * x + self.d * y + self.f


def page_frame(page) -> Frame:
    """The frame of a PDFium page (an FPDF_PAGE)."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not raw.FPDFPage_GetMediaBox(page, left, bottom, right, top):
        box = raw.FS_RECTF()
        raw.FPDF_GetPageBoundingBox(page, box)  # the inherited MediaBox (cut to a CropBox if there is one)
        left.value, bottom.value, right.value, top.value = box.left, box.bottom, box.right, box.top
    x0, x1 = sorted((left.value, right.value))
    y0, y1 = sorted((bottom.value, top.value))
    rotation = raw.FPDFPage_GetRotation(page) % 4
    # pdfminer's device matrix for the rotation, then pdfplumber's flip to a top-left origin
    a, b, c, d, e, f = {0: (1, 0, 0, 1, -x0, -y0), 1: (0, -1, 1, 0, -y0, x1),
                        2: (-1, 0, 0, -1, x1, y1), 3: (0, 1, -1, 0, y1, -x0)}[rotation]
    bx0, by0, bx1, by1 = (y0, x0, y1, x1) if rotation in (1, 3) else (x0, y0, x1, y1)
    height = by1 - by0
    return Frame(a, -b, c, -d, e + bx0, height - by0 - f, bx1 - bx0, height)
