"""A printed row's amounts placed in its table's columns where the column solver put them: a cell per column, blank
where nothing was printed, ambiguous where the amount could be in several; an amount that cannot be read or placed is
a warning, never a guess."""

from __future__ import annotations

from gongkai.extract import tables as found
from gongkai.extract.records import CELL_AMBIGUOUS, CELL_BLANK, CELL_VALUE, Cell, ParseIssue, Source
from gongkai.extract.solver import decided_columns
from gongkai.extract.text import parse_amount, to_wan


def placed_cells(
    raw_row: found.RawRow,
    columns: tuple[str, ...],
    placements: list[tuple[int, ...]],
    unit: str,
    source: Source,
    issues: list[ParseIssue],
) -> list[Cell]:
    placed: dict[str, Cell] = {}  # columns without a cell here are blank
    unplaced: list[str] = []
    for original, where in zip(raw_row.amounts, decided_columns(len(raw_row.amounts), placements)):
        try:
            value = parse_amount(original)
        except ValueError:  # e.g. ',2.06' left by a garbled text layer
            issues.append(ParseIssue("warning", "unreadable_amount",
                                     f"'{original}' in row '{raw_row.code or raw_row.label}' is not an "
                                     "amount: the cell is left blank", source))
            continue
        if isinstance(where, int) and where < len(columns):
            placed[columns[where]] = Cell(columns[where], to_wan(value, unit), original, CELL_VALUE, source)
        elif isinstance(where, int) or not where or max(where) >= len(columns):
            unplaced.append(original)  # more amounts than the row has columns (a garbled or merged line)
        else:
            candidates = tuple(columns[i] for i in where)
            for column in candidates:
                if column not in placed or placed[column].status != CELL_VALUE:
                    placed[column] = Cell(column, None, original, CELL_AMBIGUOUS, source, candidates)
            issues.append(ParseIssue("warning", "ambiguous_column",
                                     f"{original} in row '{raw_row.code or raw_row.label}' could be in any "
                                     f"of {', '.join(candidates)}", source))
    if unplaced:
        issues.append(ParseIssue("warning", "extra_amounts",
                                 f"row '{raw_row.code or raw_row.label}' has {len(raw_row.amounts)} amounts "
                                 f"for {len(columns)} column(s): {', '.join(unplaced)} not placed", source))
    return [placed.get(c) or Cell(c, None, None, CELL_BLANK, source) for c in columns]


def in_order(raw_row: found.RawRow) -> list[tuple[int, ...]]:
    """The one placement of a row whose amounts fill its columns in order (single-column tables, income side)."""
    return [tuple(range(len(raw_row.amounts)))]
