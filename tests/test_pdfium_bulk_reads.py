"""The PDFium reader's reads of many values in one call agree with PDFium's one-value calls, on real reports
(../shared/corpus): a path's points read from PDFium's array of them, and a page's Unicode from its page text."""

from __future__ import annotations

import ctypes
from pathlib import Path

import pypdfium2.raw as raw
import pytest

from gongkai.extract import pdf_chars, pdf_path_points, pdfium_calls
from gongkai.extract.pdf_chars import PdfiumReader

FINAL = Path("/work/shared/corpus/final/2019_foshan-gdjtj_final.pdf")
pytestmark = pytest.mark.skipif(not FINAL.exists(), reason="the real finals of ../shared/corpus are not here")
PAGES = range(8)


@pytest.fixture(scope="module")
def reader():
    opened = PdfiumReader(FINAL.read_bytes(), FINAL.name)
    yield opened
    opened.close()


def _pages(reader):
    for index in PAGES:
        page = raw.FPDF_LoadPage(reader._pdf.raw, index)
        try:
            yield page
        finally:
            raw.FPDF_ClosePage(page)


def test_path_points_read_in_one_go_are_what_the_api_gives(reader):
    assert pdf_path_points._layout_known(), "PDFium's point records changed: every path is read segment by segment"
    paths = 0
    for page in _pages(reader):
        handle = ctypes.c_void_p(pdf_chars._address(page))
        for index in range(pdfium_calls.count_objects(handle)):
            obj = pdfium_calls.page_object(handle, index)
            if pdfium_calls.object_type(obj) == raw.FPDF_PAGEOBJ_PATH:
                paths += 1
                count = pdfium_calls.segment_count(obj)
                assert pdf_path_points.path_points(obj) == pdf_path_points._asked_points(obj, count)
    assert paths > 100


def test_page_text_lines_up_with_the_characters(reader):
    characters = 0
    for page in _pages(reader):
        text_page = raw.FPDFText_LoadPage(page)
        try:
            reading = pdf_chars._TextPage(pdf_chars._address(text_page), pdf_chars.page_frame(page))
            count = pdfium_calls.count_chars(reading.text_page)
            asked = [pdfium_calls.unicode(reading.text_page, index) for index in range(count)]
            codes = reading._codes(count)
            assert [a if c == pdf_chars._NOT_IN_TEXT else c for a, c in zip(asked, codes)] == asked
            characters += count
        finally:
            raw.FPDFText_ClosePage(text_page)
    assert characters > 1000


def test_a_page_whose_text_does_not_line_up_reads_the_same(reader, monkeypatch):
    """Where the page text is not one unit per character (none written here), each character is asked."""
    def shape(index):
        content = reader.read_page(index)
        return [(c.text, c.x0, c.x1, c.top, c.bottom, c.font) for c in content.chars]

    read = [shape(index) for index in PAGES]
    monkeypatch.setattr(pdfium_calls, "page_text", lambda *args: 0)
    assert [shape(index) for index in PAGES] == read
    assert sum(len(page) for page in read) > 1000
