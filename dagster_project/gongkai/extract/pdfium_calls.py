"""PDFium's C functions as the PDF reader calls them, thousands of times a page.

pypdfium2's bindings declare argument types, and ctypes converts every argument through them: about 0.8 µs a call.
Declared here without argument types on a ``PyDLL`` of the same library (no GIL release, no conversion), a call takes
0.3–0.4 µs. The price is the caller's: a handle goes in as a ``ctypes.c_void_p`` (:data:`Handle` results already
are one), an index as a Python int, a float as ``ctypes.c_float`` and an out-value by ``ctypes.byref``. Only short
calls are here (holding the GIL is harmless for them); loading a document or page goes through pypdfium2.
"""

from __future__ import annotations

import ctypes

import pypdfium2.raw  # noqa: F401 - loads libpdfium and initialises PDFium
from pypdfium2_raw.bindings import _libs

_pdfium = ctypes.PyDLL(_libs["pdfium"]._name, handle=_libs["pdfium"]._handle)


class Handle(ctypes.c_void_p):
    """A pointer result that stays a ctypes object, so it can be passed straight back (a plain c_void_p result
    becomes an int, the key of a text object's run)."""


def _declare(name: str, restype=ctypes.c_int):
    function = getattr(_pdfium, name)
    function.restype = restype
    return function


# text page
count_chars = _declare("FPDFText_CountChars")
page_text = _declare("FPDFText_GetText")
text_object = _declare("FPDFText_GetTextObject", ctypes.c_void_p)
unicode = _declare("FPDFText_GetUnicode", ctypes.c_uint)
is_generated = _declare("FPDFText_IsGenerated")
is_hyphen = _declare("FPDFText_IsHyphen")
map_error = _declare("FPDFText_HasUnicodeMapError")
origin = _declare("FPDFText_GetCharOrigin")
loose_box = _declare("FPDFText_GetLooseCharBox")
tight_box = _declare("FPDFText_GetCharBox")
char_matrix = _declare("FPDFText_GetMatrix")
char_font_size = _declare("FPDFText_GetFontSize", ctypes.c_double)
# text objects and fonts
object_font = _declare("FPDFTextObj_GetFont", Handle)
object_font_size = _declare("FPDFTextObj_GetFontSize")
font_descent = _declare("FPDFFont_GetDescent")
font_embedded = _declare("FPDFFont_GetIsEmbedded")
glyph_width = _declare("FPDFFont_GetGlyphWidth")
glyph_path = _declare("FPDFFont_GetGlyphPath", Handle)
glyph_path_count = _declare("FPDFGlyphPath_CountGlyphSegments")
font_name_bytes = _declare("FPDFFont_GetBaseFontName", ctypes.c_size_t)
# page objects
count_objects = _declare("FPDFPage_CountObjects")
page_object = _declare("FPDFPage_GetObject", Handle)
object_type = _declare("FPDFPageObj_GetType")
object_bounds = _declare("FPDFPageObj_GetBounds")
object_matrix = _declare("FPDFPageObj_GetMatrix")
form_count = _declare("FPDFFormObj_CountObjects")
form_object = _declare("FPDFFormObj_GetObject", Handle)
# paths
draw_mode = _declare("FPDFPath_GetDrawMode")
fill_color = _declare("FPDFPageObj_GetFillColor")
segment_count = _declare("FPDFPath_CountSegments")
segment = _declare("FPDFPath_GetPathSegment", Handle)
segment_type = _declare("FPDFPathSegment_GetType")
segment_point = _declare("FPDFPathSegment_GetPoint")
segment_closes = _declare("FPDFPathSegment_GetClose")
