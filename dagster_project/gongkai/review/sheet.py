"""The review sheet (审核意见表): a report's findings as rows a reviewer reads — printed as a table or written to xlsx,
one sheet per report, headed in Chinese."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from gongkai.review.findings import SEVERITY_TITLES, Finding
from gongkai.review.review import Review

COLUMNS = ("序号", "页码", "行", "级别", "审核规则", "原文", "应为")
_WIDTHS = (6, 6, 6, 6, 26, 60, 50)


def rows(review: Review) -> list[tuple]:
    return [_row(i, finding) for i, finding in enumerate(review.findings, start=1)]


def _row(number: int, finding: Finding) -> tuple:
    return (number, finding.page, finding.line, SEVERITY_TITLES[finding.severity], finding.title, finding.quote,
            finding.expected)


def heading(review: Review) -> str:
    kind = {"final": "部门决算", "budget": "部门预算"}.get(review.kind or "", "报告")
    who = " ".join(str(x) for x in (review.department, review.fiscal_year and f"{review.fiscal_year}年度", kind) if x)
    count = f"{len(review.findings)} 条审核意见" if review.findings else "未发现问题"
    note = f"（表格未能读取：{review.parse_error}）" if review.parse_error else ""
    return f"{review.file}：{who}，{count}{note}"


def format_text(review: Review) -> str:
    """The review sheet as a plain-text table (CJK counted double width)."""
    lines = [heading(review)]
    if not review.findings:
        return lines[0]
    table = [COLUMNS] + [tuple("" if v is None else str(v) for v in row) for row in rows(review)]
    widths = [max(_width(r[i]) for r in table) for i in range(len(COLUMNS))]
    for row in table:
        lines.append("  ".join(_pad(cell, width) for cell, width in zip(row, widths)).rstrip())
    return "\n".join(lines)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def write_xlsx(reviews: list[Review], out: str | Path) -> Path:
    """One sheet per report (its heading in the first row), named after the file."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for review in reviews:
        sheet = book.create_sheet(_sheet_name(review.file, used))
        sheet.append([heading(review)])
        sheet["A1"].font = Font(bold=True)
        sheet.append(list(COLUMNS))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in rows(review):
            sheet.append(list(row))
        for index, width in enumerate(_WIDTHS):
            sheet.column_dimensions[chr(ord("A") + index)].width = width
        for row in sheet.iter_rows(min_row=3):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


def _sheet_name(file: str, used: set[str]) -> str:
    base = "".join(ch for ch in Path(file).stem if ch not in "[]:*?/\\")[:28] or "report"
    name, n = base, 1
    while name in used:
        n += 1
        name = f"{base[:25]}_{n}"
    used.add(name)
    return name
