"""Rendering a synthetic report to PDF with reportlab: the same pages and lines as the text dump, drawn as plain text
lines (one table per page, no ruling), in reportlab's built-in CID font STSong-Light (UniGB-UCS2-H encoding), which
pdfplumber extracts back as real characters — no font file is needed. A line of tab-separated cells (a synthetic
budget's tables) is drawn in fixed columns: code, name, then amounts right-aligned under their headers; a page whose
widest such line does not fit A4 upright is printed landscape, as real budgets print their wide tables.
"""

from __future__ import annotations

from pathlib import Path

FONT = "STSong-Light"
SIZE = 9
LEADING = 14
MARGIN = 50
CELL_STOPS = (0, 60)  # x of the code and name cells from the margin; amounts end at AMOUNT_END + k × AMOUNT_WIDTH
AMOUNT_END = 320
AMOUNT_WIDTH = 66  # a 6-character header (一般公共预算) keeps more than an em from its neighbour


def _font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def render_pdf(dump, path: str | Path) -> Path:
    """Draw ``dump`` (a :class:`gongkai.synth.dump.Dump`) to ``path``; a page longer than the sheet continues on
    the next sheet. The PDF is deterministic (invariant mode: no timestamps or random ids)."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    _font()
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1, pageCompression=1)
    pdf.setTitle(Path(path).stem)
    for page in dump.pages:
        if not page.lines:
            continue
        width, height = landscape(A4) if _cells_right(page.lines) > A4[0] - MARGIN else A4
        pdf.setPageSize((width, height))
        y = height - MARGIN
        pdf.setFont(FONT, SIZE)
        for line in page.lines:
            if y < MARGIN:
                pdf.showPage()
                pdf.setFont(FONT, SIZE)
                y = height - MARGIN
            if "\t" in line:
                _draw_cells(pdf, line.split("\t"), y)
                y -= LEADING
                continue
            x = MARGIN + (len(line) - len(line.lstrip(" "))) * SIZE / 2
            for token in line.split():  # a one-em gap between runs, so that word splitting sees the cell boundary
                if token.startswith("单位：") and line.lstrip().startswith("部门："):
                    pdf.drawRightString(width - MARGIN, y, token)  # as printed: the unit at the right margin
                    continue
                pdf.drawString(x, y, token)
                x += stringWidth(token, FONT, SIZE) + SIZE
            y -= LEADING
        pdf.showPage()
    pdf.save()
    return Path(path)


def _cells_right(lines: list[str]) -> float:
    """The x where the last amount column of the widest tab-separated line ends."""
    widest = max((len(line.split("\t")) for line in lines if "\t" in line), default=0)
    return MARGIN + AMOUNT_END + (widest - len(CELL_STOPS) - 1) * AMOUNT_WIDTH


def _draw_cells(pdf, cells: list[str], y: float) -> None:
    """Cells in fixed columns: the first two from the left (code, name), the others right-aligned (amounts and the
    headers above them)."""
    for index, cell in enumerate(cells):
        if not cell:
            continue
        if index < len(CELL_STOPS):
            pdf.drawString(MARGIN + CELL_STOPS[index], y, cell)
        else:
            pdf.drawRightString(MARGIN + AMOUNT_END + (index - len(CELL_STOPS)) * AMOUNT_WIDTH, y, cell)
