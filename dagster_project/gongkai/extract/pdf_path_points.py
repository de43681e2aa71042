"""A PDFium path's points, read in one go.

PDFium's API gives a path's points one segment at a time, three calls each (the segment, its type, its point: ≈ 370
segments a page). A segment handle is the address of PDFium's own point record (``CFX_Path::Point``: x and y as
floats, the segment type and the close flag as bytes, padded to 12 bytes) in the path's array of them, so all of a
path's points are the bytes from its first segment's address on. That layout is PDFium's, not its API's: it is
checked once a process against the API on a path made for the purpose, and where it does not hold (another PDFium
build) the points are asked segment by segment.
"""

from __future__ import annotations

import ctypes
import struct

import pypdfium2.raw as raw

from gongkai.extract import pdfium_calls as pdfium

Point = tuple[float, float, int, bool]  # x, y, segment type (FPDF_SEGMENT_*), whether it closes its subpath

_RECORD = "ffB?2x"  # CFX_Path::Point: its type enum is FPDF_SEGMENT_*'s numbering
_RECORD_SIZE = struct.calcsize("<" + _RECORD)
_readers: dict[int, tuple[struct.Struct, type]] = {}  # by point count: the records' format, a ctypes array of them


def path_points(path: pdfium.Handle) -> tuple:
    """Every point of the path (an FPDF_PAGEOBJECT of type path) in the order drawn, flat: x, y, segment type and
    close flag of each in turn (a :data:`Point` per four values)."""
    count = pdfium.segment_count(path)
    if count <= 0:
        return ()
    if not _layout_known():
        return _asked_points(path, count)
    reader = _readers.get(count)
    if reader is None:
        reader = _readers[count] = struct.Struct("<" + _RECORD * count), ctypes.c_char * (_RECORD_SIZE * count)
    records, array = reader
    return records.unpack(array.from_address(pdfium.segment(path, 0).value))


def _asked_points(path: pdfium.Handle, count: int) -> tuple:
    """The points through the API, three calls and a flag each."""
    x, y = ctypes.c_float(), ctypes.c_float()
    points: list = []
    for index in range(count):
        segment = pdfium.segment(path, index)
        pdfium.segment_point(segment, ctypes.byref(x), ctypes.byref(y))
        points += (x.value, y.value, pdfium.segment_type(segment), bool(pdfium.segment_closes(segment)))
    return tuple(points)


_layout: bool | None = None


def _layout_known() -> bool:
    global _layout
    if _layout is None:
        _layout = _layout_holds()
    return _layout


def _layout_holds() -> bool:
    """Whether the records read from memory are what the API gives, on a path of every segment type and a close."""
    path = raw.FPDFPageObj_CreateNewPath(1.5, -2.25)
    if not path:
        return False
    try:
        raw.FPDFPath_LineTo(path, 3.0e5, 7.125)
        raw.FPDFPath_BezierTo(path, 1.0, 2.0, 3.0, 4.0, -5.5, 6.0)
        raw.FPDFPath_Close(path)
        raw.FPDFPath_MoveTo(path, 0.1, 0.2)
        raw.FPDFPath_LineTo(path, -8.0, 9.75)
        handle = pdfium.Handle(ctypes.cast(path, ctypes.c_void_p).value)
        count = pdfium.segment_count(handle)
        first, last = pdfium.segment(handle, 0).value, pdfium.segment(handle, count - 1).value
        if count != 7 or not first or last - first != _RECORD_SIZE * (count - 1):
            return False
        read = struct.unpack("<" + _RECORD * count, ctypes.string_at(first, _RECORD_SIZE * count))
        return read == _asked_points(handle, count)
    finally:
        raw.FPDFPageObj_Destroy(path)
