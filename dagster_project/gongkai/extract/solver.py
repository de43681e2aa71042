"""Assigning printed amounts to columns when a text layer has dropped the blank cells.

"2010301 行政运行 1,744.54 1,744.54" does not say which column the second number is in. Each row gets every
order-preserving placement of its amounts into the table's columns; placements are then pruned by the accounting
identities — a row's total = the sum of its columns (or a table's own: 年初 + 收入 = 支出 + 年末), a parent row = the
sum of its children in each column — and by anchors from related tables (a value a column must equal, or must be at
least). What the identities cannot decide stays ambiguous, with its candidate columns; nothing is guessed.
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


Identity = tuple[tuple[int, ...], tuple[int, ...]]  # Σ the first columns = Σ the second (a blank one counts 0)


@dataclass(slots=True)
class SolverTable:
    """Rows of one table; ``total_column`` is the index of the column that sums the others (None if none)."""

    columns: int
    rows: dict[str, SolverRow]
    families: list[tuple[str, list[str]]]  # (parent key, child keys): parent = Σ children per column
    total_column: int | None = 0
    row_tolerance: float = 0.02
    family_tolerance: float = 0.06
    identities: tuple[Identity, ...] = ()  # other row identities besides the total's (年初 + 本年收入 = 支出 + 年末)


def _values(row: SolverRow, placement: Placement, columns: int) -> list[float | None]:
    values: list[float | None] = [None] * columns
    for amount, column in zip(row.amounts, placement):
        values[column] = amount
    return values


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
        balanced = placements
        if table.total_column is not None:
            placements = [p for p in placements if table.total_column in p]
            # the row identity depends only on which amount is the total: decide it once per amount
            total_holds = _identity_holds_by_total(row.amounts, table.row_tolerance)
            balanced = [p for p in placements if total_holds[p.index(table.total_column)]]
        if table.identities:
            balanced = [p for p in balanced if _balances(_values(row, p, table.columns), table.identities,
                                                         table.row_tolerance)]
        valid = _anchored(row, balanced, table.columns, table.row_tolerance)
        if not valid:  # the report breaks the identity: keep what the anchors allow, reconciliation reports it
            valid = _anchored(row, placements, table.columns, 0.02)
        row.candidates = valid or placements


def _balances(values: list[float | None], identities: tuple[Identity, ...], tolerance: float) -> bool:
    return all(abs(sum(values[i] or 0.0 for i in left) - sum(values[i] or 0.0 for i in right)) <= tolerance + 1e-9
               for left, right in identities)


def _identity_holds_by_total(amounts: list[float], tolerance: float) -> list[bool]:
    """For each amount: whether the row identity (total = Σ the other amounts) holds when it is the row's total."""
    return [abs(total - sum(amounts[:i] + amounts[i + 1:])) <= tolerance + 1e-9 for i, total in enumerate(amounts)]


def _anchored(row: SolverRow, placements: list[Placement], columns: int, tolerance: float) -> list[Placement]:
    """The placements that satisfy the row's anchors (all of them when it has none)."""
    if not row.anchors:
        return placements
    return [p for p in placements if _anchors_hold(_values(row, p, columns), row.anchors, tolerance)]


def _consistent_children(
    table: SolverTable, parent: list[float | None], children: list[SolverRow], presence: bool, tolerance: float
) -> list[set[Placement]] | None:
    """Placements of each child that appear in at least one combination summing to ``parent`` per column."""
    search = _ChildrenSearch(table.columns, parent, children, presence, tolerance)
    try:
        search.visit(0, [0.0] * table.columns, [False] * table.columns)
    except OverflowError:
        return None
    return search.kept


class _ChildrenSearch:
    """The depth-first search of :func:`_consistent_children`: one placement per child, pruned as soon as a column's
    running sum cannot reach the parent's value. (A class rather than a recursive closure, which would be a reference
    cycle keeping the search's lists alive until the garbage collector runs.)"""

    def __init__(self, columns: int, parent: list[float | None], children: list[SolverRow], presence: bool,
                 tolerance: float):
        self.columns = columns
        self.parent = parent
        self.children = children
        self.presence = presence
        self.tolerance = tolerance
        self.kept: list[set[Placement]] = [set() for _ in children]
        self.chosen: list[Placement] = []
        self.budget = _SEARCH_LIMIT
        self.non_negative = all(a >= 0 for child in children for a in child.amounts)
        self.ceiling = [(v or 0.0) + tolerance + 1e-9 for v in parent]  # a sum of non-negative amounts stays below
        self.blocked = [presence and v is None for v in parent]  # a column blank in the parent takes no child amount

    def fits(self, sums: list[float], present: list[bool]) -> bool:
        for c in range(self.columns):
            target = self.parent[c]
            if self.presence and target is None and present[c]:
                return False
            if abs((target or 0.0) - sums[c]) > self.tolerance + 1e-9:
                return False
        return True

    def visit(self, index: int, sums: list[float], present: list[bool]) -> None:
        self.budget -= 1
        if self.budget < 0:
            raise OverflowError
        if index == len(self.children):
            if self.fits(sums, present):
                for i, placement in enumerate(self.chosen):
                    self.kept[i].add(placement)
            return
        child = self.children[index]
        blocked, ceiling, non_negative = self.blocked, self.ceiling, self.non_negative
        for placement in child.candidates:
            for amount, column in zip(child.amounts, placement):  # (a placement's columns are distinct)
                if blocked[column] or (non_negative and sums[column] + amount > ceiling[column]):
                    break  # this placement cannot be part of a sum equal to the parent
            else:
                new_sums = sums[:]
                new_present = present[:]
                for amount, column in zip(child.amounts, placement):
                    new_sums[column] += amount
                    new_present[column] = True
                self.chosen.append(placement)
                self.visit(index + 1, new_sums, new_present)
                self.chosen.pop()


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
    if len(placements) == 1:  # decided: every amount's column is known
        placement = placements[0]
        return [placement[i] for i in range(amount_count)]
    result: list[int | tuple[int, ...]] = []
    for i in range(amount_count):
        columns = sorted({p[i] for p in placements})
        result.append(columns[0] if len(columns) == 1 else tuple(columns))
    return result
