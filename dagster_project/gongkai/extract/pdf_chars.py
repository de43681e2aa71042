"""Reading what a PDF page prints with PDFium (pypdfium2's raw API): characters, ruling paths and images.

The line builder (:mod:`pdf_document`) takes a :class:`PageContent` per page: every character with its advance box,
baseline, size and font, every straight path piece that is a line or an axis-aligned rectangle, and the number of
images. Coordinates and shapes are pdfminer's, so the lines come out the same whichever reader produced them:
points from the top-left corner of the page's MediaBox turned by its /Rotate; a character's box runs from the
font's descent to one em above it, across the glyph's advance; paths are split into subpaths and classed as pdfminer
does ('m l' is a line, 'm l l l l' closed on its start with square corners a rectangle, anything else a curve, which
the line builder does not use). A glyph without a Unicode map reads '(cid:N)' (N its character code) as in pdfminer.

Where PDFium's text page cannot stand for pdfminer's characters, the page is read with pdfminer (:mod:`pdf_plumber`)
and ``PdfiumReader.fallback_pages`` says so: a text object PDFium leaves off its page (no width) in a font not
embedded, which may print glyphs PDFium has no font for; a font not embedded whose widths PDFium takes as its own
(its boxes overrun the next character). What PDFium drops that pdfminer keeps: a text object of blank glyphs only
(read back here as one space), a character repeated on itself within 0.07 em (pdfminer prints it twice).
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from gongkai.extract.document import DocumentError

_LINETO, _MOVETO = raw.FPDF_SEGMENT_LINETO, raw.FPDF_SEGMENT_MOVETO
_TEXT, _PATH, _IMAGE, _FORM = raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_FORM
_BLANK_WIDTH = 0.01  # PDFium's kSizeEpsilon: a text object narrower than this is not on its text page
_HYPHEN_MARK = 0x02  # what PDFium puts for a hyphen that ends a line
_GENERATED = (0x20, 0x0D, 0x0A)  # what PDFium inserts between runs (spaces, line breaks)


def _fast(function, restype, *argtypes):
    """A PDFium function re-declared on plain addresses: ctypes converts ints faster than pypdfium2's handles."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(function, ctypes.c_void_p).value)


_P, _I, _F = ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_float)
_D = ctypes.POINTER(ctypes.c_double)
_count_chars = _fast(raw.FPDFText_CountChars, _I, _P)
_text_object = _fast(raw.FPDFText_GetTextObject, _P, _P, _I)
_unicode = _fast(raw.FPDFText_GetUnicode, ctypes.c_uint, _P, _I)
_is_generated = _fast(raw.FPDFText_IsGenerated, _I, _P, _I)
_is_hyphen = _fast(raw.FPDFText_IsHyphen, _I, _P, _I)
_map_error = _fast(raw.FPDFText_HasUnicodeMapError, _I, _P, _I)
_origin = _fast(raw.FPDFText_GetCharOrigin, _I, _P, _I, _D, _D)
_loose_box = _fast(raw.FPDFText_GetLooseCharBox, _I, _P, _I, ctypes.POINTER(raw.FS_RECTF))
_tight_box = _fast(raw.FPDFText_GetCharBox, _I, _P, _I, _D, _D, _D, _D)
_char_matrix = _fast(raw.FPDFText_GetMatrix, _I, _P, _I, ctypes.POINTER(raw.FS_MATRIX))
_char_font_size = _fast(raw.FPDFText_GetFontSize, ctypes.c_double, _P, _I)
_object_font = _fast(raw.FPDFTextObj_GetFont, _P, _P)
_object_font_size = _fast(raw.FPDFTextObj_GetFontSize, _I, _P, _F)
_font_descent = _fast(raw.FPDFFont_GetDescent, _I, _P, ctypes.c_float, _F)
_font_embedded = _fast(raw.FPDFFont_GetIsEmbedded, _I, _P)
_glyph_width = _fast(raw.FPDFFont_GetGlyphWidth, _I, _P, ctypes.c_uint, ctypes.c_float, _F)
_glyph_path = _fast(raw.FPDFFont_GetGlyphPath, _P, _P, ctypes.c_uint, ctypes.c_float)
_glyph_path_count = _fast(raw.FPDFGlyphPath_CountGlyphSegments, _I, _P)
_font_name_bytes = _fast(raw.FPDFFont_GetBaseFontName, ctypes.c_size_t, _P, ctypes.c_char_p, ctypes.c_size_t)
_count_objects = _fast(raw.FPDFPage_CountObjects, _I, _P)
_page_object = _fast(raw.FPDFPage_GetObject, _P, _P, _I)
_object_type = _fast(raw.FPDFPageObj_GetType, _I, _P)
_object_bounds = _fast(raw.FPDFPageObj_GetBounds, _I, _P, _F, _F, _F, _F)
_object_matrix_of = _fast(raw.FPDFPageObj_GetMatrix, _I, _P, ctypes.POINTER(raw.FS_MATRIX))
_form_count = _fast(raw.FPDFFormObj_CountObjects, _I, _P)
_form_object = _fast(raw.FPDFFormObj_GetObject, _P, _P, ctypes.c_ulong)
_segment_count = _fast(raw.FPDFPath_CountSegments, _I, _P)
_segment = _fast(raw.FPDFPath_GetPathSegment, _P, _P, _I)
_segment_type = _fast(raw.FPDFPathSegment_GetType, _I, _P)
_segment_point = _fast(raw.FPDFPathSegment_GetPoint, _I, _P, _F, _F)
_segment_closes = _fast(raw.FPDFPathSegment_GetClose, _I, _P)
_draw_mode = _fast(raw.FPDFPath_GetDrawMode, _I, _P, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int))
_fill_color = _fast(raw.FPDFPageObj_GetFillColor, _I, _P, *(ctypes.POINTER(ctypes.c_uint),) * 4)


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


class PdfiumReader:
    """An open PDF read page by page with PDFium. Raises DocumentError('encrypted_pdf' | 'corrupt_pdf') on open."""

    name = "pdfium"

    def __init__(self, data: bytes, file_name: str):
        self._data, self._file_name = data, file_name
        self._plumber = None
        self.fallback_pages: list[int] = []  # pages read with pdfminer
        try:
            self._pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            if getattr(exc, "err_code", None) == raw.FPDF_ERR_PASSWORD:
                raise DocumentError("encrypted_pdf", f"{file_name} is encrypted and needs a password to be read") from None
            raise DocumentError("corrupt_pdf", f"{file_name} cannot be opened as a PDF: {exc}") from None

    def __len__(self) -> int:
        return raw.FPDF_GetPageCount(self._pdf.raw)

    def read_page(self, index: int) -> PageContent:
        page = raw.FPDF_LoadPage(self._pdf.raw, index)
        if not page:
            raise ValueError(f"PDFium cannot load page {index + 1}")
        try:
            return _read_page(page)
        except _NotAsPdfminer:
            self.fallback_pages.append(index + 1)
        finally:
            raw.FPDF_ClosePage(page)
        return self._fallback().read_page(index)

    def _fallback(self):
        if self._plumber is None:
            from gongkai.extract.pdf_plumber import PdfplumberReader

            self._plumber = PdfplumberReader(self._data, self._file_name)
        return self._plumber

    def close(self) -> None:
        if self._plumber is not None:
            self._plumber.close()
        self._pdf.close()


class _NotAsPdfminer(Exception):
    """The page prints something PDFium does not read as pdfminer does (see the module's docstring)."""


# --- page frame: user space → pdfplumber's top-left coordinates ----------------------------------------------------


@dataclass(slots=True)
class _Frame:
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


def _frame(page) -> _Frame:
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
    return _Frame(a, -b, c, -d, e + bx0, height - by0 - f, bx1 - bx0, height)


def _read_page(page) -> PageContent:
    frame = _frame(page)
    content = PageContent(width=frame.width, height=frame.height)
    blanks: list[tuple[int, raw.FS_MATRIX]] = []
    identity = raw.FS_MATRIX(1, 0, 0, 1, 0, 0)
    page_address = _address(page)
    for index in range(_count_objects(page_address)):
        _collect(_page_object(page_address, index), identity, frame, content, blanks)
    text_page = raw.FPDFText_LoadPage(page)
    try:
        reading = _TextPage(_address(text_page), frame, check_glyphs=bool(blanks))
        content.chars = reading.chars()
    finally:
        raw.FPDFText_ClosePage(text_page)
    content.chars.extend(reading.blank_char(obj, matrix) for obj, matrix in blanks)
    return content


def _address(handle) -> int:
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


# --- characters ----------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Font:
    name: str
    descent: float  # per unit of size, negative
    embedded: bool
    chinese_missing: bool  # not embedded, encodes '一' and PDFium has no glyph for it
    seen: bool = False  # some of its characters are on the text page
    glyphs: bool = True  # PDFium had a glyph for each of them (when checked)


@dataclass(slots=True)
class _Run:
    """What the characters of one text object share: font, text matrix (linear part), descent and em, direction."""

    font: _Font
    ma: float
    mb: float
    mc: float
    md: float
    low: float  # the box's bottom and top in text space: the font's descent, and one em above it
    high: float
    upright: bool
    plain: bool  # upright, unturned, unskewed on an unturned page: the box is a shift of the origin


class _TextPage:
    """PDFium's text page of one page, read into pdfminer's characters."""

    def __init__(self, text_page: int, frame: _Frame, check_glyphs: bool):
        self.text_page, self.frame, self.check_glyphs = text_page, frame, check_glyphs
        self.fonts: dict[int, _Font] = {}

    def chars(self) -> list[Char]:
        tp, frame = self.text_page, self.frame
        count = _count_chars(tp)
        chars: list[Char] = []
        runs: dict[int, _Run | None] = {}
        box = raw.FS_RECTF()
        ox, oy = ctypes.c_double(), ctypes.c_double()
        box_ref, ox_ref, oy_ref = ctypes.byref(box), ctypes.byref(ox), ctypes.byref(oy)
        plain = frame.a == 1 and frame.d == -1 and frame.b == 0 and frame.c == 0
        fe, ff = frame.e, frame.f
        last_run, last_x, last_y, last_advance = None, 0.0, 0.0, 0.0  # the last character in a font not embedded
        index = 0
        while index < count:
            obj = _text_object(tp, index)
            code = _unicode(tp, index)
            if not obj or (code in _GENERATED and _is_generated(tp, index)):  # PDFium's own spaces and breaks
                index += 1
                continue
            run = runs.get(obj, False)
            if run is False:
                run = runs[obj] = self._run(index, obj, plain)
            if _map_error(tp, index):
                text = f"(cid:{code})"
            elif code == _HYPHEN_MARK and _is_hyphen(tp, index):
                text = "-"  # PDFium marks a hyphen ending a line and forgets which one it was: the common one
            elif 0xD800 <= code < 0xDC00 and index + 1 < count and 0xDC00 <= _unicode(tp, index + 1) < 0xE000:
                text = chr(0x10000 + ((code - 0xD800) << 10) + _unicode(tp, index + 1) - 0xDC00)
                index += 1
            else:
                text = chr(code)
            if run is None:
                index += 1
                continue
            run.font.seen = True
            if self.check_glyphs and run.font.glyphs and not text.isspace() and not self._has_glyph(index, run):
                run.font.glyphs = False
            _origin(tp, index, ox_ref, oy_ref)
            _loose_box(tp, index, box_ref)
            index += 1
            x, y = ox.value, oy.value
            if not run.font.embedded:
                if run is last_run and last_advance - math.hypot(x - last_x, y - last_y) > 0.01:
                    raise _NotAsPdfminer  # PDFium's width for the previous character overruns this one
                last_run, last_x, last_y = run, x, y
                last_advance = box.right - box.left if abs(run.ma) >= abs(run.mb) else box.top - box.bottom
            if run.plain:
                top, bottom = ff - y - run.high, ff - y - run.low
                chars.append(Char(text, x + fe, x + fe + box.right - box.left, top, bottom, ff - y, bottom - top,
                                  run.font.name))
            else:
                chars.append(_char(text, run, x, y, box.right - box.left, box.top - box.bottom, frame))
        return chars

    def _run(self, index: int, obj: int, plain_page: bool) -> _Run | None:
        matrix = raw.FS_MATRIX()
        if not _char_matrix(self.text_page, index, ctypes.byref(matrix)):
            return None
        return self._make_run(_object_font(obj), matrix, _char_font_size(self.text_page, index), plain_page)

    def _make_run(self, font_handle: int, matrix: raw.FS_MATRIX, em: float, plain_page: bool) -> _Run:
        frame = self.frame
        # the device matrix (text matrix, then the page's turn), whose shape decides 'upright' as in pdfminer
        da = matrix.a * frame.a + matrix.b * frame.c
        db = matrix.a * frame.b + matrix.b * frame.d
        dc = matrix.c * frame.a + matrix.d * frame.c
        dd = matrix.c * frame.b + matrix.d * frame.d
        upright = 0 < da * -dd and db * -dc <= 0  # the frame's y runs down: undo the flip for pdfminer's test
        font = self._font(font_handle)
        low = font.descent * em
        plain = plain_page and matrix.b == 0 and matrix.c == 0 and matrix.a > 0 and matrix.d > 0
        scale = matrix.d if plain else 1.0  # a plain run's box is kept in user space: scale it there once
        return _Run(font, matrix.a, matrix.b, matrix.c, matrix.d, low * scale, (low + em) * scale, upright, plain)

    def _font(self, handle: int) -> _Font:
        font = self.fonts.get(handle)
        if font is None:
            length = _font_name_bytes(handle, None, 0)
            buffer = ctypes.create_string_buffer(max(length, 1))
            _font_name_bytes(handle, buffer, length)
            descent = ctypes.c_float()
            ratio = min(descent.value, -descent.value) / 1000.0 if _font_descent(
                handle, 1000.0, ctypes.byref(descent)) else 0.0  # PDF wants it negative; pdfminer turns it round
            # latin-1 is one-to-one: names in GBK bytes stay as distinct as pdfminer keeps them
            embedded = bool(_font_embedded(handle))
            font = self.fonts[handle] = _Font(buffer.value.decode("latin-1"), ratio, embedded,
                                              not embedded and _chinese_missing(handle))
        return font

    def _has_glyph(self, index: int, run: _Run) -> bool:
        """Whether PDFium drew the character from a glyph: without one its tight box is a thousandth of an em high
        (a glyph's is at least its thinnest stroke: '一', '-', '_' are a twentieth of an em)."""
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))
        _tight_box(self.text_page, index, ctypes.byref(left), ctypes.byref(right), ctypes.byref(bottom),
                   ctypes.byref(top))
        em = (run.high - run.low) / (run.md if run.plain else 1.0)
        scale = max(abs(run.ma) + abs(run.mb), abs(run.mc) + abs(run.md))
        return min(top.value - bottom.value, right.value - left.value) > 0.02 * abs(em) * scale

    def blank_char(self, obj: int, matrix: raw.FS_MATRIX) -> Char:
        """A text object with no width is not on PDFium's text page. It prints blank glyphs only (spaces, which
        pdfminer reads, which separate words and belong to their line) in a font none of whose glyphs on the page
        PDFium missed, if the font is embedded in the file, or else printed characters on the page and can print
        no Chinese PDFium lacks glyphs for: it is read as one space at its origin. Any other may print Chinese
        PDFium has no font for (a Chinese font not embedded, on a system without one): the page is left to
        pdfminer."""
        handle = _object_font(obj)
        font = self._font(handle)
        em = ctypes.c_float()
        blank = font.glyphs and (font.embedded or (font.seen and not font.chinese_missing))
        if not blank or not _object_font_size(obj, ctypes.byref(em)):
            raise _NotAsPdfminer
        run = self._make_run(handle, matrix, em.value, False)
        return _char(" ", run, matrix.e, matrix.f, 0.0, 0.0, self.frame)


def _chinese_missing(font: int) -> bool:
    """Whether the font encodes '一' (it has a width for it: a simple Latin font has none) but PDFium has no glyph
    for it (no outline): a Chinese font not embedded, on a system without a Chinese font to stand in."""
    width = ctypes.c_float()
    if not _glyph_width(font, 0x4E00, 1000.0, ctypes.byref(width)) or width.value <= 0:
        return False
    path = _glyph_path(font, 0x4E00, 1000.0)
    return not path or _glyph_path_count(path) <= 0


def _char(text: str, run: _Run, ox: float, oy: float, box_width: float, box_height: float, frame: _Frame) -> Char:
    """pdfminer's box: from (0, descent) to (advance, descent + em) in text space, through the text matrix; its size
    is the box's height. The advance is the loose box's extent along the run."""
    if abs(run.ma) >= abs(run.mb):
        advance = box_width / abs(run.ma) if run.ma else 0.0
    else:
        advance = box_height / abs(run.mb)
    low, high = run.low, run.high
    corner0 = frame.point(ox + run.mc * low, oy + run.md * low)
    corner1 = frame.point(ox + run.ma * advance + run.mc * high, oy + run.mb * advance + run.md * high)
    x0, x1 = (corner0[0], corner1[0]) if corner0[0] <= corner1[0] else (corner1[0], corner0[0])
    top, bottom = (corner0[1], corner1[1]) if corner0[1] <= corner1[1] else (corner1[1], corner0[1])
    baseline = frame.point(ox, oy)[1] if run.upright else bottom
    return Char(text, x0, x1, top, bottom, baseline, bottom - top, run.font.name)


# --- paths and images ----------------------------------------------------------------------------------------------


def _collect(obj: int, parent: raw.FS_MATRIX, frame: _Frame, content: PageContent, blanks: list) -> None:
    """Paths and images into ``content``; text objects with no width into ``blanks`` (with their matrix)."""
    kind = _object_type(obj)
    if kind == _TEXT:
        left, bottom, right, top = (ctypes.c_float() for _ in range(4))
        if _object_bounds(obj, ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top)) \
                and abs(right.value - left.value) < _BLANK_WIDTH:
            blanks.append((obj, _object_matrix(obj, parent)))
    elif kind == _PATH and not _invisible(obj):
        matrix = _object_matrix(obj, parent)
        for points in _subpaths(obj):
            found = _classify(points, matrix, frame)
            if found is not None:
                content.paths.append(found)
    elif kind == _IMAGE:
        content.images += 1
    elif kind == _FORM:
        matrix = _object_matrix(obj, parent)
        for index in range(_form_count(obj)):
            _collect(_form_object(obj, index), matrix, frame, content, blanks)


def _invisible(path: int) -> bool:
    """A path filled white and not stroked: a word processor's cell background, whose edges are no ruling lines."""
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not _draw_mode(path, ctypes.byref(fill), ctypes.byref(stroke)) or stroke.value or not fill.value:
        return False
    rgba = [ctypes.c_uint() for _ in range(4)]
    return bool(_fill_color(path, *map(ctypes.byref, rgba))) and all(c.value >= 250 for c in rgba[:3])


def _object_matrix(obj: int, parent: raw.FS_MATRIX) -> raw.FS_MATRIX:
    own = raw.FS_MATRIX()
    if not _object_matrix_of(obj, ctypes.byref(own)):
        return parent
    p = parent
    return raw.FS_MATRIX(own.a * p.a + own.b * p.c, own.a * p.b + own.b * p.d,
                         own.c * p.a + own.d * p.c, own.c * p.b + own.d * p.d,
                         own.e * p.a + own.f * p.c + p.e, own.e * p.b + own.f * p.d + p.f)


def _subpaths(obj: int) -> list[list[tuple[int, float, float, int]]]:
    """The path's points as (segment type, x, y, segment), one list per subpath (each starts with a move)."""
    subpaths: list[list[tuple[int, float, float, int]]] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    x_ref, y_ref = ctypes.byref(x), ctypes.byref(y)
    for index in range(_segment_count(obj)):
        segment = _segment(obj, index)
        kind = _segment_type(segment)
        _segment_point(segment, x_ref, y_ref)
        point = (kind, x.value, y.value, segment)
        if kind == _MOVETO or not subpaths:
            subpaths.append([point])
        else:
            subpaths[-1].append(point)
    return subpaths


def _classify(points: list[tuple[int, float, float, int]], matrix: raw.FS_MATRIX, frame: _Frame) -> PathBox | None:
    """A line ('m l', or 'm l h' back to its start), a square closed rectangle ('m l l l l' ending on its start) or a
    thin closed quadrilateral (a line)."""
    if points[0][0] != _MOVETO or any(p[0] != _LINETO for p in points[1:]):
        return None
    xy = [(p[1], p[2]) for p in points]
    if len(xy) == 3 and xy[2] == xy[0] and _segment_closes(points[2][3]):
        xy = xy[:2]
    if len(xy) == 2:
        return _box("line", [_device(p, matrix, frame) for p in xy])
    if len(xy) == 5 and xy[4] == xy[0]:
        device = [_device(p, matrix, frame) for p in xy[:4]]
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = device
        if (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0):
            return _box("rect", device)
        thin = _box("line", device)  # a border drawn as a thin mitred quadrilateral (a spreadsheet's cell edge)
        if min(thin.x1 - thin.x0, thin.bottom - thin.top) <= 1.5:
            return thin
    return None


def _device(point: tuple[float, float], m: raw.FS_MATRIX, frame: _Frame) -> tuple[float, float]:
    x, y = point
    return frame.point(m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f)


def _box(kind: str, device: list[tuple[float, float]]) -> PathBox:
    xs = [p[0] for p in device]
    ys = [p[1] for p in device]
    return PathBox(kind, min(xs), max(xs), min(ys), max(ys))
