"""Assigning printed amounts to columns when a text layer has dropped the blank cells.

"2010301 行政运行 1,744.54 1,744.54" does not say which column the second number is in. Each row gets every
order-preserving placement of its amounts into the table's columns; placements are then pruned by the accounting
identities — a row's total = the sum of its columns, a parent row = the sum of its children in each column — and by
anchors from related tables (a value a column must equal, or must be at least). What the identities cannot decide
stays ambiguous, with its candidate columns; nothing is guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

Placement = tuple[int, ...]  # column index of each amount, strictly increasing

_SEARCH_LIMIT = 50_000


@dataclass(slots=True)
class Anchor:
    """A constraint from a related table: the column must equal ``value`` (None: blank or zero), or be ≥ ``minimum``."""

    column: int
    value: float | None = None
    minimum: float | None = None
    exact: bool = True


@dataclass(slots=True)
class SolverRow:
    key: str
    amounts: list[float]
    anchors: list[Anchor] = field(default_factory=list)
    candidates: list[Placement] = field(default_factory=list)


@dataclass(slots=True)
class SolverTable:
    """Rows of one table; ``total_column`` is the index of the column that sums the others (None if none)."""

    columns: int
    rows: dict[str, SolverRow]
    families: list[tuple[str, list[str]]]  # (parent key, child keys): parent = Σ children per column
    total_column: int | None = 0
    row_tolerance: float = 0.02
    family_tolerance: float = 0.06


def _values(row: SolverRow, placement: Placement, columns: int) -> list[float | None]:
    values: list[float | None] = [None] * columns
    for amount, column in zip(row.amounts, placement):
        values[column] = amount
    return values


def _row_identity_holds(values: list[float | None], total_column: int | None, tolerance: float) -> bool:
    if total_column is None:
        return True
    total = values[total_column]
    parts = [v for i, v in enumerate(values) if i != total_column and v is not None]
    if total is None:
        return not parts
    return abs(total - sum(parts)) <= tolerance + 1e-9


def _anchors_hold(values: list[float | None], anchors: list[Anchor], tolerance: float) -> bool:
    for anchor in anchors:
        value = values[anchor.column]
        if anchor.minimum is not None:
            if (value or 0.0) + tolerance < anchor.minimum:
                return False
        elif anchor.exact:
            expected = anchor.value or 0.0
            if anchor.value is None and value is not None and abs(value) > tolerance:
                return False
            if anchor.value is not None and (value is None or abs(value - expected) > tolerance):
                return False
    return True


def initial_candidates(table: SolverTable) -> None:
    """Every order-preserving placement that satisfies the row identity and the row's anchors."""
    for row in table.rows.values():
        k = len(row.amounts)
        if k == 0:
            row.candidates = [()]
            continue
        placements = list(combinations(range(table.columns), k)) if k <= table.columns else []
        if table.total_column is not None:
            placements = [p for p in placements if table.total_column in p]
        valid = [
            p
            for p in placements
            if _row_identity_holds(_values(row, p, table.columns), table.total_column, table.row_tolerance)
            and _anchors_hold(_values(row, p, table.columns), row.anchors, table.row_tolerance)
        ]
        if not valid:  # the report breaks the identity: keep what the anchors allow, reconciliation reports it
            valid = [p for p in placements if _anchors_hold(_values(row, p, table.columns), row.anchors, 0.02)]
        row.candidates = valid or placements


def _consistent_children(
    table: SolverTable, parent: list[float | None], children: list[SolverRow], presence: bool, tolerance: float
) -> list[set[Placement]] | None:
    """Placements of each child that appear in at least one combination summing to ``parent`` per column."""
    columns = table.columns
    kept: list[set[Placement]] = [set() for _ in children]
    chosen: list[Placement] = []
    budget = [_SEARCH_LIMIT]

    def fits(sums: list[float], present: list[bool]) -> bool:
        for c in range(columns):
            target = parent[c]
            if presence and target is None and present[c]:
                return False
            if abs((target or 0.0) - sums[c]) > tolerance + 1e-9:
                return False
        return True

    non_negative = all(a >= 0 for child in children for a in child.amounts)
    ceiling = [(v or 0.0) + tolerance + 1e-9 for v in parent]

    def admissible(column: int, total: float) -> bool:
        if presence and parent[column] is None:
            return False
        return not non_negative or total <= ceiling[column]

    def search(index: int, sums: list[float], present: list[bool]) -> None:
        budget[0] -= 1
        if budget[0] < 0:
            raise OverflowError
        if index == len(children):
            if fits(sums, present):
                for i, placement in enumerate(chosen):
                    kept[i].add(placement)
            return
        child = children[index]
        for placement in child.candidates:
            new_sums = sums[:]
            new_present = present[:]
            fits_so_far = True
            for amount, column in zip(child.amounts, placement):
                new_sums[column] += amount
                new_present[column] = True
                if not admissible(column, new_sums[column]):
                    fits_so_far = False
                    break
            if fits_so_far:
                chosen.append(placement)
                search(index + 1, new_sums, new_present)
                chosen.pop()

    try:
        search(0, [0.0] * columns, [False] * columns)
    except OverflowError:
        return None
    return kept


def _prune_family(table: SolverTable, parent_key: str, child_keys: list[str]) -> bool:
    parent = table.rows[parent_key]
    children = [table.rows[k] for k in child_keys if k in table.rows]
    if not children:
        return False
    changed = False
    supported_parents: list[Placement] = []
    kept_children: list[set[Placement]] = [set() for _ in children]
    # Sums that hold exactly are preferred; the 尾差 tolerance only when none does, and the presence rule (a column
    # blank in the parent is blank in its children) before dropping it.
    for tolerance, presence in ((1e-6, True), (table.family_tolerance, True), (table.family_tolerance, False)):
        for placement in parent.candidates:
            values = _values(parent, placement, table.columns)
            kept = _consistent_children(table, values, children, presence, tolerance)
            if kept is None:
                return False
            if any(kept):
                supported_parents.append(placement)
                for i, placements in enumerate(kept):
                    kept_children[i] |= placements
        if supported_parents:
            break
    if not supported_parents:
        return False  # the report breaks the identity here: leave the rows as they are
    if len(supported_parents) < len(parent.candidates):
        parent.candidates = [p for p in parent.candidates if p in supported_parents]
        changed = True
    for child, kept in zip(children, kept_children):
        if len(kept) < len(child.candidates):
            child.candidates = [p for p in child.candidates if p in kept]
            changed = True
    return changed


def solve(table: SolverTable) -> dict[str, list[Placement]]:
    """Prune every row's placements to a fixed point; returns the remaining placements per row key."""
    initial_candidates(table)
    for _ in range(20):
        changed = False
        for parent_key, child_keys in table.families:
            members = [table.rows[k] for k in (parent_key, *child_keys) if k in table.rows]
            if parent_key in table.rows and any(len(m.candidates) > 1 for m in members):
                changed |= _prune_family(table, parent_key, child_keys)
        if not changed:
            break
    return {key: row.candidates for key, row in table.rows.items()}


def decided_columns(amount_count: int, placements: list[Placement]) -> list[int | tuple[int, ...]]:
    """For each amount: its column if every remaining placement agrees, else the tuple of possible columns."""
    result: list[int | tuple[int, ...]] = []
    for i in range(amount_count):
        columns = sorted({p[i] for p in placements})
        result.append(columns[0] if len(columns) == 1 else tuple(columns))
    return result
