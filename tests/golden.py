"""Rendering tables as compact text for golden comparisons: one line per row, only the non-blank cells."""

from __future__ import annotations

from gongkai.extract.records import Table


def _number(value: float) -> str:
    return f"{value:.2f}" if abs(value * 100 - round(value * 100)) < 1e-6 else f"{value:g}"


def row_key(row) -> str:
    key = row.code or row.item or (f"#{row.row_number}" if row.row_number else row.label)
    return f"{row.side[:3]}:{key}" if row.side else key


def render_cells(row) -> list[str]:
    cells = []
    for cell in row.cells:
        if cell.status == "value":
            cells.append(f"{cell.column}={_number(cell.value)}")
        elif cell.status == "ambiguous":
            cells.append(f"{cell.column}=?{cell.original}")
    return cells


def render_row(row) -> str:
    return " ".join([row_key(row), *render_cells(row)])


def render(table: Table, with_blank_rows: bool = False) -> list[str]:
    return [render_row(r) for r in table.rows if with_blank_rows or any(c.status != "blank" for c in r.cells)]


def parse_block(block: str) -> list[str]:
    return [" ".join(line.split()) for line in block.strip().splitlines() if line.strip()]
