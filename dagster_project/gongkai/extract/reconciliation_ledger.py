"""The ledger the reconciliation checks are recorded in, the cell values they compare (a blank printed cell is 0 for an
identity, an ambiguous one unknown) and the tolerances of rounded amounts and percentages (尾差)."""

from __future__ import annotations

from gongkai.extract.records import (
    CELL_AMBIGUOUS,
    CHECK_FAIL,
    CHECK_NOT_RUN,
    CHECK_PASS,
    Cell,
    Check,
    Source,
    Table,
    TableRow,
)

ROUNDING = 0.02  # 尾差: reports round each printed cell to 0.01
PERCENT = 0.02


class Ledger:
    def __init__(self) -> None:
        self.checks: list[Check] = []

    def equal(
        self,
        name: str,
        category: str,
        expected: float | None,
        actual: float | None,
        terms: int = 2,
        source: Source | None = None,
        detail: str = "",
        tolerance: float | None = None,
    ) -> None:
        if tolerance is None:  # 尾差 grows with the number of rounded terms beyond three
            tolerance = ROUNDING if terms <= 3 else round(ROUNDING + 0.005 * (terms - 3), 4)
        if expected is None or actual is None:
            status, detail = CHECK_NOT_RUN, detail or "an input is missing or ambiguous"
        else:
            status = CHECK_PASS if abs(expected - actual) <= tolerance + 1e-9 else CHECK_FAIL
        self.checks.append(Check(name, category, expected, actual, tolerance, status, detail, source))

    def at_most(self, name: str, category: str, bound: float | None, actual: float | None, source=None,
                detail: str = "") -> None:
        if bound is None or actual is None:
            status = CHECK_NOT_RUN
        else:
            status = CHECK_PASS if actual <= bound + ROUNDING else CHECK_FAIL
        self.checks.append(Check(name, category, bound, actual, ROUNDING, status, detail or "actual ≤ expected", source))


def unique_names(checks: list[Check]) -> list[Check]:
    """Two checks of one name (e.g. a label printed twice) get #2, #3… so (report, check_name) stays a key."""
    seen: dict[str, int] = {}
    for check in checks:
        count = seen[check.name] = seen.get(check.name, 0) + 1
        if count > 1:
            check.name = f"{check.name}#{count}"
    return checks


def sum_known(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(sum(known), 6) if known else None


def _ambiguous(rows: list[TableRow], column: str) -> bool:
    return any((c := r.cell(column)) is not None and c.status == CELL_AMBIGUOUS for r in rows)


def sum_column(rows: list[TableRow], column: str) -> float | None:
    if _ambiguous(rows, column):
        return None
    values = [r.value(column) for r in rows]
    return sum_known(values) if rows else None


def value_of(row: TableRow | None, column: str) -> float | None:
    return None if row is None else cell_value(row.cell(column))


def cell_value(cell: Cell | None) -> float | None:
    return None if cell is None or cell.status == CELL_AMBIGUOUS else cell.value


def zero_if_blank(row: TableRow | None, column: str) -> float | None:
    """A printed row whose cell is blank is 0 for an identity; a missing row or ambiguous cell is unknown."""
    return None if row is None else cell_zero_if_blank(row.cell(column))


def cell_zero_if_blank(cell: Cell | None) -> float | None:
    if cell is None or cell.status == CELL_AMBIGUOUS:
        return None
    return cell.value if cell.value is not None else 0.0


def row_value(table: Table | None, column: str, **where: object) -> float | None:
    if table is None:
        return None
    return value_of(table.row(**where), column)


def percent_of(part: float | None, whole: float | None) -> float | None:
    if part is None or not whole:
        return None
    return round(part / whole * 100, 4)


def pct_tolerance(part: float | None, whole: float | None, printed_step: float = 0.01) -> float:
    """How far a stated % may be from part/whole when both amounts and the % were each rounded to their last digit."""
    if part is None or not whole:
        return PERCENT
    half = printed_step / 2
    return round(100 * (half / abs(whole) + abs(part) * half / whole**2) + 0.005, 4)


def coarse_rounding(stated: float | None) -> float:
    """Half the last printed step of a % stated with fewer than two decimals ('86%', '83.5%'), beyond the 0.005
    :func:`pct_tolerance` allows for two."""
    if stated is None:
        return 0.0
    decimals = len(repr(float(stated)).split(".")[1].rstrip("0"))
    return 0.0 if decimals >= 2 else round(0.5 * 10.0**-decimals - 0.005, 4)
