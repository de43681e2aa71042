"""Golden truth of real finals kept as text under tests/data/golden: one line per table row, read from the page renders.

A line is ``p<page> <key> | <label> | <column>=<value> …``: the row's page, its key (function / economic code, item,
``inc:``/``exp:`` side of a summary table, ``#<行次>`` where the row has only a printed line number), the label as
printed (wrapped lines joined) and every printed cell; a blank cell is left out, a printed 0.00 is kept. ``## family``
starts a table. Lines under ``## inconsistencies`` name the reconciliation checks the source itself fails
(``<check name> | p<page> | what is wrong``).
"""

from __future__ import annotations

from pathlib import Path

from gongkai.extract.records import Table, TableRow
from tests.golden import render_cells, row_key

GOLDEN_DIR = Path(__file__).parent / "data" / "golden"


def golden_line(row: TableRow) -> str:
    key = row_key(row) if row.code or row.item or row.row_number else f"{row.side[:3]}:-" if row.side else "-"
    return " ".join([f"p{row.source.page}", key, "|", " ".join(row.label.split()), "|", *render_cells(row)])


def golden_lines(tables: list[Table]) -> dict[str, list[str]]:
    by_family: dict[str, list[str]] = {}
    for table in tables:
        by_family.setdefault(table.family, []).extend(golden_line(row) for row in table.rows)
    return by_family


def read_golden(name: str) -> tuple[dict[str, list[str]], list[str]]:
    """The tables (family → lines) and the source's own inconsistencies (check names) of one golden file."""
    tables: dict[str, list[str]] = {}
    inconsistencies: list[str] = []
    section: list[str] | None = None
    for raw in (GOLDEN_DIR / name).read_text(encoding="utf-8").splitlines():
        line = " ".join(raw.split())
        if not line or line.startswith("#") and not line.startswith("## "):
            continue
        if line.startswith("## "):
            heading = line[3:].strip()
            section = inconsistencies if heading == "inconsistencies" else tables.setdefault(heading, [])
            continue
        if section is inconsistencies:
            inconsistencies.append(line.split(" | ")[0])
        elif section is not None:
            section.append(line)
    return tables, inconsistencies
