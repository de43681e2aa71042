"""Query results as files and text an analyst opens cleanly: a table, CSV or JSON on stdout (``gongkai query``);
CSV, Parquet or Excel files (``gongkai export``).

Excel: row 1 the column names, row 2 each column's Chinese term and unit from the dbt YAML (meta.zh, meta.unit —
the same source as docs/marts.md), header frozen, widths fitted. List columns (DuckDB LIST, e.g. names_seen)
become readable text ("一般公共服务支出; 外交支出"), never a numpy repr.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from gongkai.warehouse.paths import DBT_PROJECT_DIR

LIST_SEPARATOR = "; "
KINDS_NOT_UNITS = frozenset({"boolean", "year", "count"})  # meta.unit values that say what a column is, not its unit


@functools.cache
def column_labels() -> dict[str, dict[str, tuple[str, str]]]:
    """model name → column → (Chinese term, unit), from every dbt YAML of the project that documents columns."""
    import yaml

    labels: dict[str, dict[str, tuple[str, str]]] = {}
    for path in sorted(DBT_PROJECT_DIR.glob("models/**/*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models") or []:
            columns = labels.setdefault(model["name"], {})
            for column in model.get("columns") or []:
                meta = column.get("meta") or {}
                columns[column["name"]] = (str(meta.get("zh") or ""), str(meta.get("unit") or ""))
    return labels


def labels_for(columns: Sequence[str], table: str | None = None) -> list[str]:
    """The second header row: "中文名（单位）" per column — from ``table``'s YAML when given, else the first model
    that documents a column of that name; "" for a column nobody documents (a computed one)."""
    known = column_labels()
    own = known.get(table.split(".")[-1], {}) if table else {}
    out = []
    for column in columns:
        zh, unit = own.get(column) or next((m[column] for m in known.values() if column in m), ("", ""))
        out.append(f"{zh}（{unit}）" if zh and unit and unit not in KINDS_NOT_UNITS else zh)
    return out


def readable(value: Any) -> Any:
    """A cell as text-friendly Python: lists joined by '; ', dicts as JSON, NaN as None, numpy scalars unwrapped."""
    if value is None:
        return None
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):  # numpy arrays and scalars
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join("" if v is None else str(readable(v)) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value


def _json_cell(value: Any) -> Any:
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [_json_cell(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_cell(v) for k, v in value.items()}
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def to_json(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """One JSON object per row, in a list (lists stay lists)."""
    return json.dumps([dict(zip(columns, map(_json_cell, row))) for row in rows], ensure_ascii=False, indent=2)


def to_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([readable(v) for v in row] for row in rows)
    return buffer.getvalue()


def to_text_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """An aligned text table (CJK characters count double), NULL shown as NULL, and the row count."""
    def cell(v) -> str:
        v = readable(v)
        if v is None:
            return "NULL"
        if isinstance(v, float):
            return f"{v:.2f}" if abs(v - round(v, 2)) < 1e-9 else repr(v)
        return str(v)

    text = [[cell(v) for v in row] for row in rows]
    widths = [max([display_width(c)] + [display_width(r[i]) for r in text]) for i, c in enumerate(columns)]

    def line(values):
        return " | ".join(v + " " * (w - display_width(v)) for v, w in zip(values, widths, strict=True))

    out = [line(columns), "-+-".join("-" * w for w in widths)]
    out += [line(r) for r in text]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def write_file(df, out: Path, fmt: str, *, table: str | None = None, sheet: str = "data") -> None:
    """``df`` (pandas) to ``out`` as csv (UTF-8 with BOM, for Excel), parquet or xlsx."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        df.to_parquet(out, index=False)
        return
    columns = [str(c) for c in df.columns]
    rows = df.itertuples(index=False, name=None)
    if fmt == "csv":
        out.write_text(to_csv(columns, rows), encoding="utf-8-sig")
    else:
        write_xlsx(columns, rows, out, labels_for(columns, table), sheet)


def write_xlsx(columns: Sequence[str], rows: Iterable[Sequence[Any]], out: Path, labels: Sequence[str],
               sheet: str = "data") -> None:
    """Row 1 column names, row 2 Chinese term and unit, frozen below them; widths fitted to the content."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    ws.append(list(columns))
    ws.append(list(labels))
    widths = [max(display_width(c), display_width(lb)) for c, lb in zip(columns, labels, strict=True)]
    for row in rows:
        values = [readable(v) for v in row]
        ws.append(values)
        widths = [max(w, min(60, display_width(str(v)) if v is not None else 0)) for w, v in zip(widths, values)]
    for cell in ws[1] + ws[2]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A3"
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(row=1, column=index).column_letter].width = width + 2
    book.save(out)
