"""A PDFium page's objects walked for the line builder: ruling paths, images, and text objects PDFium leaves off its
text page.

Paths are split into subpaths and classed as pdfminer does ('m l' is a line, 'm l l l l' closed on its start with
square corners a rectangle, anything else a curve, which the line builder does not use), but for a thin closed
quadrilateral, which is a line, and a white cell background, which is no path at all. Form XObjects are walked
into, their objects placed by the form's matrix.

A path's points are read from PDFium's own array of them (:mod:`pdf_path_points`): one call a path instead of three a
segment.
"""

from __future__ import annotations

import ctypes
import struct
from collections.abc import Container

import pypdfium2.raw as raw

from gongkai.extract import pdfium_calls as pdfium
from gongkai.extract.pdf_content import Frame, PageContent, PathBox
from gongkai.extract.pdf_path_points import Point, path_points

_LINETO, _MOVETO = raw.FPDF_SEGMENT_LINETO, raw.FPDF_SEGMENT_MOVETO
_TEXT, _PATH, _IMAGE, _FORM = raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_FORM
_BLANK_WIDTH = 0.01  # PDFium's kSizeEpsilon: a text object narrower than this is not on its text page

Matrix = tuple[float, float, float, float, float, float]  # a b c d e f, single precision as PDFium keeps it
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_MATRIX = struct.Struct("6f")  # a matrix as PDFium keeps it (read in one go: a ctypes array item by item is slow)
_COLOR = struct.Struct("4I")


class PageObjects:
    """One page's objects read into a :class:`PageContent` (paths, images) and a list of blank text objects."""

    def __init__(self, frame: Frame, content: PageContent, on_text_page: Container[int]):
        self.content = content
        self._on_text_page = on_text_page  # the text objects PDFium's text page printed (by address): no blank
        self._device: Matrix = (frame.a, frame.b, frame.c, frame.d, frame.e, frame.f)  # user space → the frame's
        self.blanks: list[tuple[pdfium.Handle, Matrix]] = []  # text objects with no width, with their matrix
        self._bounds = (ctypes.c_float * 4)()
        self._bounds_refs = [ctypes.byref(self._bounds, 4 * i) for i in range(4)]  # left, bottom, right, top
        self._matrix = (ctypes.c_float * 6)()
        self._matrix_ref = ctypes.byref(self._matrix)
        fill, stroke = ctypes.c_int(), ctypes.c_int()
        self._mode = fill, stroke, ctypes.byref(fill), ctypes.byref(stroke)
        self._color = (ctypes.c_uint * 4)()
        self._color_refs = [ctypes.byref(self._color, 4 * i) for i in range(4)]

    def walk(self, page_address: int) -> None:
        page = ctypes.c_void_p(page_address)
        page_object, object_type, object_bounds = pdfium.page_object, pdfium.object_type, pdfium.object_bounds
        bounds, (left, bottom, right, top) = self._bounds, self._bounds_refs
        on_text_page = self._on_text_page
        read_path = self._path
        for index in range(pdfium.count_objects(page)):
            obj = page_object(page, index)
            if obj.value in on_text_page:
                continue
            kind = object_type(obj)
            if kind == _PATH:
                read_path(obj, _IDENTITY)
            elif kind != _TEXT:
                self._collect(obj, kind, _IDENTITY)
            elif object_bounds(obj, left, bottom, right, top) and abs(bounds[2] - bounds[0]) < _BLANK_WIDTH:
                self.blanks.append((obj, self._object_matrix(obj, _IDENTITY)))

    def _collect(self, obj: pdfium.Handle, kind: int, parent: Matrix) -> None:
        if kind == _PATH:
            self._path(obj, parent)
        elif kind == _TEXT:
            bounds = self._bounds
            if pdfium.object_bounds(obj, *self._bounds_refs) and abs(bounds[2] - bounds[0]) < _BLANK_WIDTH:
                self.blanks.append((obj, self._object_matrix(obj, parent)))
        elif kind == _IMAGE:
            self.content.images += 1
        elif kind == _FORM:
            matrix = self._object_matrix(obj, parent)
            for index in range(pdfium.form_count(obj)):
                child = pdfium.form_object(obj, ctypes.c_ulong(index))
                self._collect(child, pdfium.object_type(child), matrix)

    def _path(self, obj: pdfium.Handle, parent: Matrix) -> None:
        """The ruling lines and rectangles of a path that is not invisible."""
        if self._invisible(obj):
            return
        matrix = self._object_matrix(obj, parent)
        points = path_points(obj)
        if len(points) == 8:  # most ruling lines: 'm l' alone
            x0, y0, start, _, x1, y1, end, _ = points
            if start == _MOVETO and end == _LINETO:
                self.content.paths.append(_line_box(matrix, self._device, x0, y0, x1, y1))
            return
        for subpath in _subpaths(points):
            found = _classify(subpath, matrix, self._device)
            if found is not None:
                self.content.paths.append(found)

    def _invisible(self, path: pdfium.Handle) -> bool:
        """A path filled white and not stroked: a word processor's cell background, whose edges are no ruling
        lines."""
        fill, stroke, fill_ref, stroke_ref = self._mode
        if not pdfium.draw_mode(path, fill_ref, stroke_ref) or stroke.value or not fill.value:
            return False
        if not pdfium.fill_color(path, *self._color_refs):
            return False
        red, green, blue, _alpha = _COLOR.unpack_from(self._color)
        return red >= 250 and green >= 250 and blue >= 250

    def _object_matrix(self, obj: pdfium.Handle, parent: Matrix) -> Matrix:
        """The object's matrix, then its parent's (a form's)."""
        if not pdfium.object_matrix(obj, self._matrix_ref):
            return parent
        a, b, c, d, e, f = _MATRIX.unpack_from(self._matrix)
        pa, pb, pc, pd, pe, pf = parent
        product = (a * pa + b * pc, a * pb + b * pd, c * pa + d * pc, c * pb + d * pd,
                   e * pa + f * pc + pe, e * pb + f * pd + pf)
        if parent is _IDENTITY:
            return product  # exact: no rounding to do
        self._matrix[:] = product
        return _MATRIX.unpack_from(self._matrix)


def _subpaths(points: tuple) -> list[list[Point]]:
    """The path's points (flat, as :func:`path_points` gives them), one list per subpath (each starts with a move)."""
    subpaths: list[list[Point]] = []
    for index in range(0, len(points), 4):
        point = points[index:index + 4]
        if point[2] == _MOVETO or not subpaths:
            subpaths.append([point])
        else:
            subpaths[-1].append(point)
    return subpaths


def _classify(points: list[Point], m: Matrix, device: Matrix) -> PathBox | None:
    """A line ('m l', or 'm l h' back to its start), a square closed rectangle ('m l l l l' ending on its start) or a
    thin closed quadrilateral (a line), in the frame's coordinates."""
    if points[0][2] != _MOVETO:
        return None
    for point in points[1:]:
        if point[2] != _LINETO:
            return None
    n = len(points)
    first = points[0]
    if n == 3 and points[2][0] == first[0] and points[2][1] == first[1] and points[2][3]:
        n = 2
    if n != 2 and not (n == 5 and points[4][0] == first[0] and points[4][1] == first[1]):
        return None
    if n == 2:
        return _line_box(m, device, first[0], first[1], points[1][0], points[1][1])
    a, b, c, d, e, f = m
    fa, fb, fc, fd, fe, ff = device
    xs, ys = [], []
    for x, y, _kind, _closes in points[:4]:
        ux, uy = a * x + c * y + e, b * x + d * y + f
        xs.append(fa * ux + fc * uy + fe)
        ys.append(fb * ux + fd * uy + ff)
    (x0, x1, x2, x3), (y0, y1, y2, y3) = xs, ys
    if (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0):
        return PathBox("rect", min(xs), max(xs), min(ys), max(ys))
    thin = PathBox("line", min(xs), max(xs), min(ys), max(ys))  # a border drawn as a thin mitred quadrilateral
    if min(thin.x1 - thin.x0, thin.bottom - thin.top) <= 1.5:  # (a spreadsheet's cell edge)
        return thin
    return None


def _line_box(m: Matrix, device: Matrix, x0: float, y0: float, x1: float, y1: float) -> PathBox:
    """The box of the line from (x0, y0) to (x1, y1) in the object's space (matrix ``m``), in the frame's (the
    ``device`` matrix)."""
    a, b, c, d, e, f = m
    ux0, uy0, ux1, uy1 = a * x0 + c * y0 + e, b * x0 + d * y0 + f, a * x1 + c * y1 + e, b * x1 + d * y1 + f
    fa, fb, fc, fd, fe, ff = device
    dx0, dy0 = fa * ux0 + fc * uy0 + fe, fb * ux0 + fd * uy0 + ff
    dx1, dy1 = fa * ux1 + fc * uy1 + fe, fb * ux1 + fd * uy1 + ff
    return PathBox("line", min(dx0, dx1), max(dx0, dx1), min(dy0, dy1), max(dy0, dy1))
