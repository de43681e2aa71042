"""Reading what a PDF page prints with PDFium: characters (here), ruling paths and images (:mod:`pdf_paths`).

The line builder (:mod:`pdf_document`) takes a :class:`PageContent` per page: every character with its advance box,
baseline, size and font, every straight path piece that is a line or an axis-aligned rectangle, and the number of
images, in pdfminer's coordinates and shapes (:mod:`pdf_content`), so the lines come out the same whichever reader
produced them. A glyph without a Unicode map reads '(cid:N)' (N its character code) as in pdfminer. A character in a
font not embedded in the file advances by the font's own width (its /W or /Widths), not by PDFium's loose box, which
spans the glyph of the font standing in for it. Fonts are named as pdfminer names them (:mod:`pdf_font_names`).
PDFium is called through :mod:`pdfium_calls` (thousands of calls a page).

Where PDFium's text page cannot stand for pdfminer's characters, the page is read with pdfminer (:mod:`pdf_plumber`)
and ``PdfiumReader.fallback_pages`` says so: a text object PDFium leaves off its page (no width) that may print text
PDFium cannot read back — in a Chinese font not embedded that PDFium has no glyphs for (no system font stands in), or
in a font some of whose characters on the page PDFium drew without a glyph; a character in a font not embedded without
a Unicode map. What PDFium drops that pdfminer keeps: a text object of blank glyphs only (read back here as one space), a character repeated on itself
within 0.07 em (pdfminer prints it twice).
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from gongkai.extract import pdfium_calls as calls
from gongkai.extract.document import DocumentError
from gongkai.extract.pdf_content import Char, Frame, PageContent, page_frame
from gongkai.extract.pdf_font_names import FontNames, is_tagged, untagged
from gongkai.extract.pdf_paths import Matrix, PageObjects

_HYPHEN_MARK = 0x02  # what PDFium puts for a hyphen that ends a line
_GENERATED = (0x20, 0x0D, 0x0A)  # what PDFium inserts between runs (spaces, line breaks)
_NOT_IN_TEXT = 0xFFFE  # what PDFium's page text holds for a character whose code it does not print there
_SURROGATE = re.compile("[\ud800-\udfff]")


class PdfiumReader:
    """An open PDF read page by page with PDFium. Raises DocumentError('encrypted_pdf' | 'corrupt_pdf') on open."""

    name = "pdfium"

    def __init__(self, data: bytes, file_name: str):
        self._data, self._file_name = data, file_name
        self._plumber = None
        self._font_names = FontNames(data)
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
            return _read_page(page, self._font_names)
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


def _read_page(page, font_names: FontNames) -> PageContent:
    frame = page_frame(page)
    content = PageContent(width=frame.width, height=frame.height)
    text_page = raw.FPDFText_LoadPage(page)
    try:
        reading = _TextPage(_address(text_page), frame)
        content.chars = reading.chars()
        objects = PageObjects(frame, content, reading.text_objects)
        objects.walk(_address(page))
        reading.check_glyphs({calls.object_font(obj).value for obj, _matrix in objects.blanks})
    finally:
        raw.FPDFText_ClosePage(text_page)
    content.chars.extend(reading.blank_char(obj, matrix) for obj, matrix in objects.blanks)
    renames = reading.pdfminer_names(font_names)
    if renames:
        for char in content.chars:
            char.font = renames.get(char.font, char.font)
    return content


def _address(handle) -> int:
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


# --- characters ----------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Font:
    handle: calls.Handle
    name: str
    descent: float  # per unit of size, negative
    embedded: bool
    chinese_missing: bool  # not embedded, encodes '一' and PDFium has no glyph for it
    glyphs: bool = True  # PDFium had a glyph for each of its characters (checked where a text object in it is off
    # the text page: there it matters)
    widths: dict[str, float] = field(default_factory=dict)  # per 1000 units of size, by character

    def advance(self, text: str, em: float) -> float:
        """The character's advance at size ``em``, from the font's own widths (/W, /Widths, or the standard font's
        metrics), as pdfminer reads it. For a font not embedded PDFium's loose box spans the glyph of the font
        standing in for it (wider or narrower than the advance, and depending on the fonts installed)."""
        width = self.widths.get(text)
        if width is None:
            width = self.widths[text] = self._width(text)
        return width * em / 1000.0

    def _width(self, text: str) -> float:
        width = ctypes.c_float()
        # a glyph without a Unicode map ('(cid:N)') cannot be looked up by its text
        if len(text) != 1 or not calls.glyph_width(self.handle, ctypes.c_uint(ord(text)), ctypes.c_float(1000.0),
                                                   ctypes.byref(width)):
            raise _NotAsPdfminer
        return width.value


@dataclass(slots=True)
class _Run:
    """What the characters of one text object share: font, text matrix (linear part), descent and em, direction."""

    font: _Font
    ma: float
    mb: float
    mc: float
    md: float
    em: float  # the font size
    low: float  # the box's bottom and top in text space: the font's descent, and one em above it
    high: float
    upright: bool
    plain: bool  # upright, unturned, unskewed on an unturned page: the box is a shift of the origin
    firsts: dict[str, int] = field(default_factory=dict)  # the index of each character's first printing


class _TextPage:
    """PDFium's text page of one page, read into pdfminer's characters."""

    def __init__(self, text_page: int, frame: Frame):
        self.text_page, self.frame = ctypes.c_void_p(text_page), frame
        self.fonts: dict[int, _Font] = {}
        self.text_objects: dict[int, _Run | None] = {}  # the run of each text object on the text page, by address
        self.plain_page = frame.a == 1 and frame.d == -1 and frame.b == 0 and frame.c == 0
        self._runs: dict[tuple, _Run] = {}  # text objects alike (font, matrix, size) share their run
        self._matrix = (ctypes.c_float * 6)()
        self._matrix_ref = ctypes.byref(self._matrix)
        self._linear = (ctypes.c_char * 16).from_buffer(self._matrix)  # a b c d, compared bit for bit
        self._tight = (ctypes.c_double * 4)()  # left, right, bottom, top
        self._tight_refs = [ctypes.byref(self._tight, 8 * i) for i in range(4)]

    def chars(self) -> list[Char]:
        tp, frame = self.text_page, self.frame
        text_object, unicode, is_generated, map_error = calls.text_object, calls.unicode, calls.is_generated, \
            calls.map_error
        origin, loose_box = calls.origin, calls.loose_box
        count = calls.count_chars(tp)
        chars: list[Char] = []
        append = chars.append
        runs = self.text_objects
        box = raw.FS_RECTF()
        ox, oy = ctypes.c_double(), ctypes.c_double()
        box_ref, ox_ref, oy_ref = ctypes.byref(box), ctypes.byref(ox), ctypes.byref(oy)
        fe, ff = frame.e, frame.f
        current = run = font = None
        plain, high, low, name, embedded, firsts = False, 0.0, 0.0, "", True, {}  # the run's, for its characters
        codes = self._codes(count)
        index = 0
        while index < count:
            obj = text_object(tp, index)
            code = codes[index]
            if code == _NOT_IN_TEXT:
                code = unicode(tp, index)
            if not obj or (code in _GENERATED and is_generated(tp, index)):  # PDFium's own spaces and breaks
                index += 1
                continue
            if obj != current:
                current = obj
                run = runs.get(obj, False)
                if run is False:
                    run = runs[obj] = self._run(index, obj)
                if run is not None:
                    font = run.font
                    plain, high, low, name, embedded = run.plain, run.high, run.low, font.name, font.embedded
                    firsts = run.firsts
            if map_error(tp, index):
                text = f"(cid:{code})"
            elif code == _HYPHEN_MARK and calls.is_hyphen(tp, index):
                text = "-"  # PDFium marks a hyphen ending a line and forgets which one it was: the common one
            elif 0xD800 <= code < 0xDC00 and index + 1 < count and 0xDC00 <= codes[index + 1] < 0xE000:
                text = chr(0x10000 + ((code - 0xD800) << 10) + codes[index + 1] - 0xDC00)
                index += 1
            else:
                text = chr(code)
            if run is None:
                index += 1
                continue
            if text not in firsts:
                firsts[text] = index
            origin(tp, index, ox_ref, oy_ref)
            if embedded:
                loose_box(tp, index, box_ref)
            index += 1
            x, y = ox.value, oy.value
            if plain:
                baseline = ff - y
                top, bottom = baseline - high, baseline - low
                x0 = x + fe
                width = box.right - box.left if embedded else run.ma * font.advance(text, run.em)
                append(Char(text, x0, x0 + width, top, bottom, baseline, bottom - top, name))
            elif embedded:
                append(_char(text, run, x, y, box.right - box.left, box.top - box.bottom, frame))
            else:
                advance = font.advance(text, run.em)
                append(_char(text, run, x, y, abs(run.ma) * advance, abs(run.mb) * advance, frame))
        return chars

    def _codes(self, count: int) -> list[int]:
        """Each character's Unicode (a UTF-16 unit), from the page's text in one call where it lines up with the
        characters: PDFium's text holds a unit per character but for control characters (none) and characters
        beyond the BMP (two), so it does where it has as many units as characters and no surrogate. A unit
        U+FFFE there may stand for another code (a hyphen's mark, no code): :data:`_NOT_IN_TEXT` is asked again."""
        if not count:
            return []
        buffer = (ctypes.c_ushort * (2 * count + 1))()
        if calls.page_text(self.text_page, 0, count, buffer) == count + 1:
            text = ctypes.string_at(buffer, 2 * count).decode("utf-16-le", "surrogatepass")
            if len(text) == count and not _SURROGATE.search(text):
                return buffer[:count]
        return [calls.unicode(self.text_page, index) for index in range(count)]

    def _run(self, index: int, obj: int) -> _Run | None:
        """The run of the text object of character ``index``: shared by text objects in the same font, size and
        linear matrix (compared bit for bit)."""
        if not calls.char_matrix(self.text_page, index, self._matrix_ref):
            return None
        font_handle = calls.object_font(ctypes.c_void_p(obj))
        em = calls.char_font_size(self.text_page, index)
        key = (font_handle.value, self._linear.raw, em)
        run = self._runs.get(key) if em else None  # 0.0 and -0.0 are one key
        if run is None:
            run = self._runs[key] = self._new_run(self._font(font_handle), tuple(self._matrix), em, self.plain_page)
        return run

    def _new_run(self, font: _Font, matrix: Matrix, em: float, plain_page: bool) -> _Run:
        frame = self.frame
        ma, mb, mc, md = matrix[:4]
        # the device matrix (text matrix, then the page's turn), whose shape decides 'upright' as in pdfminer
        da = ma * frame.a + mb * frame.c
        db = ma * frame.b + mb * frame.d
        dc = mc * frame.a + md * frame.c
        dd = mc * frame.b + md * frame.d
        upright = 0 < da * -dd and db * -dc <= 0  # the frame's y runs down: undo the flip for pdfminer's test
        low = font.descent * em
        plain = plain_page and mb == 0 and mc == 0 and ma > 0 and md > 0
        scale = md if plain else 1.0  # a plain run's box is kept in user space: scale it there once
        return _Run(font, ma, mb, mc, md, em, low * scale, (low + em) * scale, upright, plain)

    def _font(self, handle: calls.Handle) -> _Font:
        font = self.fonts.get(handle.value)
        if font is None:
            length = calls.font_name_bytes(handle, None, ctypes.c_size_t(0))
            buffer = ctypes.create_string_buffer(max(length, 1))
            calls.font_name_bytes(handle, buffer, ctypes.c_size_t(length))
            descent = ctypes.c_float()
            known = calls.font_descent(handle, ctypes.c_float(1000.0), ctypes.byref(descent))
            # PDF wants it negative; pdfminer turns it round
            ratio = min(descent.value, -descent.value) / 1000.0 if known else 0.0
            # latin-1 is one-to-one: names in GBK bytes stay as distinct as pdfminer keeps them
            embedded = bool(calls.font_embedded(handle))
            font = self.fonts[handle.value] = _Font(handle, buffer.value.decode("latin-1"), ratio, embedded,
                                                    not embedded and _chinese_missing(handle))
        return font

    def pdfminer_names(self, names: FontNames) -> dict[str, str]:
        """PDFium's name → pdfminer's for the embedded simple fonts named without a subset tag beside another font of
        the same untagged name on the page (:mod:`pdf_font_names`)."""
        fonts = self.fonts.values()
        if len(fonts) < 2:
            return {}
        counts: dict[str, int] = {}
        for font in fonts:
            key = untagged(font.name)
            counts[key] = counts.get(key, 0) + 1
        renames = {}
        for font in fonts:
            if font.embedded and not is_tagged(font.name) and counts[font.name] > 1 and _simple(font.handle):
                name = names.font_name(font.name)
                if name is not None and name != font.name:
                    renames[font.name] = name
        return renames

    def check_glyphs(self, fonts: set[int]) -> None:
        """Whether PDFium drew each character of the page in ``fonts`` (by handle) from a glyph: a character is drawn
        alike wherever its run prints it, so it is asked once a run, at its first printing."""
        for run in self._runs.values():
            font = run.font
            if font.handle.value not in fonts or not font.glyphs:
                continue
            for text, index in run.firsts.items():
                if not text.isspace() and not self._has_glyph(index, run):
                    font.glyphs = False
                    break

    def _has_glyph(self, index: int, run: _Run) -> bool:
        """Whether PDFium drew the character from a glyph: without one its tight box is a thousandth of an em high
        (a glyph's is at least its thinnest stroke: '一', '-', '_' are a twentieth of an em)."""
        calls.tight_box(self.text_page, index, *self._tight_refs)
        left, right, bottom, top = self._tight
        em = (run.high - run.low) / (run.md if run.plain else 1.0)
        scale = max(abs(run.ma) + abs(run.mb), abs(run.mc) + abs(run.md))
        return min(top - bottom, right - left) > 0.02 * abs(em) * scale

    def blank_char(self, obj: calls.Handle, matrix: Matrix) -> Char:
        """A text object with no width is not on PDFium's text page. It prints blank glyphs only (spaces, which
        pdfminer reads, which separate words and belong to their line) in a font none of whose glyphs on the page
        PDFium missed, if the font is embedded in the file or can print no Chinese PDFium lacks glyphs for (a Latin
        font not embedded has PDFium's own standard fonts standing in): it is read as one space at its origin. Any
        other may print Chinese PDFium has no font for (a Chinese font not embedded, on a system without one): the
        page is left to pdfminer."""
        handle = calls.object_font(obj)
        font = self._font(handle)
        em = ctypes.c_float()
        blank = font.glyphs and (font.embedded or not font.chinese_missing)
        if not blank or not calls.object_font_size(obj, ctypes.byref(em)):
            raise _NotAsPdfminer
        run = self._new_run(font, matrix, em.value, False)
        return _char(" ", run, matrix[4], matrix[5], 0.0, 0.0, self.frame)


def _simple(font: calls.Handle) -> bool:
    """Whether the font is a simple (one-byte) font, as far as PDFium tells: it has no width for a character it does
    not encode ('一' in a Latin encoding), where a CID font has its default width."""
    width = ctypes.c_float()
    calls.glyph_width(font, ctypes.c_uint(0x4E00), ctypes.c_float(1000.0), ctypes.byref(width))
    return width.value == 0


def _chinese_missing(font: calls.Handle) -> bool:
    """Whether the font encodes '一' (it has a width for it: a simple Latin font has none) but PDFium has no glyph
    for it (no outline): a Chinese font not embedded, on a system without a Chinese font to stand in."""
    width = ctypes.c_float()
    if not calls.glyph_width(font, ctypes.c_uint(0x4E00), ctypes.c_float(1000.0), ctypes.byref(width)) \
            or width.value <= 0:
        return False
    path = calls.glyph_path(font, ctypes.c_uint(0x4E00), ctypes.c_float(1000.0))
    return not path or calls.glyph_path_count(path) <= 0


def _char(text: str, run: _Run, ox: float, oy: float, box_width: float, box_height: float, frame: Frame) -> Char:
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
