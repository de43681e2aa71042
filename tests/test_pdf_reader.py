"""The PDFium reader on the real reports whose fonts PDFium does not read as pdfminer does (../shared/corpus).

Fonts not embedded in the file (STSongStd-Light in Yantai's page footers, Times New Roman in the Jiangsu
procuratorate's budgets) are read by PDFium, with the advances the file gives them; fonts are told apart as pdfminer
tells them (a producer that tags every font 'ABCDEE+' prints the digits of '等21个' in a TrueType font PDFium names
without the tag).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gongkai.extract.pdf_chars import PdfiumReader
from gongkai.extract.pdf_document import read_pdf

BUDGETS = Path("/work/shared/corpus/budget")
YANTAI = BUDGETS / "2026_yantai-dsjj_budget.pdf"
JCY_2018 = BUDGETS / "2018_js-jcy_budget.pdf"
JCY_2019 = BUDGETS / "2019_js-jcy_budget.pdf"
pytestmark = pytest.mark.skipif(not BUDGETS.exists(), reason="the real budgets of ../shared/corpus are not here")


@pytest.fixture(scope="module")
def geometry():
    return {path: read_pdf(path)[1] for path in (YANTAI, JCY_2018, JCY_2019)}


def _line(pages, page: int, start: str):
    return next(line for line in pages[page - 1].lines if line.text.startswith(start))


@pytest.mark.parametrize("path", [YANTAI, JCY_2018, JCY_2019], ids=lambda p: p.name)
def test_every_page_read_by_pdfium(path):
    reader = PdfiumReader(path.read_bytes(), path.name)
    try:
        for index in range(len(reader)):
            reader.read_page(index)
        assert reader.fallback_pages == []
    finally:
        reader.close()


def test_font_not_embedded_advances_by_its_widths(geometry):
    """'— 2 —' in STSongStd-Light, not embedded: /W gives the digits 462 and the space 207 thousandths of 9 pt."""
    footer = _line(geometry[YANTAI], 3, "— 2 —")
    two = footer.words[1]
    assert two.text == "2"
    assert two.x0 == pytest.approx(298.363, abs=0.001)
    assert two.x1 - two.x0 == pytest.approx(0.462 * 9, abs=0.001)  # PDFium's loose box: 4.90, the stand-in's glyph


def test_digits_in_a_tagged_producers_truetype_font_join_their_text(geometry):
    line = _line(geometry[JCY_2019], 5, "法警察总队")
    assert line.text == "法警察总队、机关党委、行政装备处等21个内设机构。本部门"
    assert _line(geometry[JCY_2019], 5, "2019年，江苏省人民检察院").words[0].text.startswith("2019年")
    assert _line(geometry[JCY_2018], 23, "1．财政拨款收入预算总计").text == "1．财政拨款收入预算总计 21,940.96 万元。其中"
