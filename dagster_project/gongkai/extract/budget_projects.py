"""The tree of a budget's project table (项目支出预算表 / 专项业务经费支出表): which rows are projects, which are groups.

A project table lists projects under the units that run them, sometimes under categories (通用项目 / 专用项目) and
sub-projects; nothing but the amounts says which row is a group: a group's 合计 equals the sum of the rows right below
it. Each row gets ``level`` (1 = directly under the table's 合计) and ``category`` ('group' or 'project': a row with no
rows under it). The tree is read from the 合计 column; a row without one is a project of its level. A group of a
single project (a unit running one project) is believed only beside a group of several rows: two projects of the
same amount one after the other are two projects.
"""

from __future__ import annotations

from gongkai.extract.records import Table, TableRow

PROJECT_TABLE_FAMILY = "budget_project_expenditure"
_TOLERANCE = 0.005  # amounts are printed to 0.01: a sum within half a cent is the same figure


def _amount(row: TableRow) -> float | None:
    amount = row.value("total")
    return amount if amount is not None and amount > 0 else None


def _subtree_ends(rows: list[TableRow]) -> list[int]:
    """For each row, the index just after the rows it groups (itself + 1 when it groups none).

    Row i groups the rows after it when they, each taken with what it groups, add up to its 合计 without passing
    it. Computed from the last row up, so each row reads the ends of the rows after it (no recursion)."""
    ends = [0] * len(rows)
    for start in range(len(rows) - 1, -1, -1):
        target, index, acc = _amount(rows[start]), start + 1, 0.0
        while target is not None and index < len(rows) and acc < target - _TOLERANCE:
            amount = _amount(rows[index])
            if amount is None or acc + amount > target + _TOLERANCE:
                break
            acc, index = acc + amount, ends[index]
        grouped = target is not None and index > start + 1 and abs(acc - target) <= _TOLERANCE
        ends[start] = index if grouped else start + 1
    return ends


def _siblings(ends: list[int], start: int, stop: int) -> list[int]:
    out, index = [], start
    while index < stop:
        out.append(index)
        index = ends[index]
    return out


def _several_levels(ends: list[int]) -> list[bool]:
    """Whether each row groups several rows, or one row that does (a unit over a sub-unit over projects)."""
    several = [False] * len(ends)
    for i in range(len(ends) - 1, -1, -1):
        children = _siblings(ends, i + 1, ends[i])
        several[i] = len(children) > 1 or (len(children) == 1 and several[children[0]])
    return several


def _mark(rows: list[TableRow], ends: list[int], several: list[bool], start: int, stop: int, level: int) -> None:
    """Mark the rows start..stop as one level under a common parent, then each group's rows one level below."""
    siblings = _siblings(ends, start, stop)
    while not any(several[i] for i in siblings) and any(ends[i] > i + 1 for i in siblings):
        for i in siblings:  # no real group here: a 'group' of one project is two projects of the same amount
            ends[i] = i + 1
        siblings = _siblings(ends, start, stop)
    for i in siblings:
        rows[i].level = level
        rows[i].category = "group" if ends[i] > i + 1 else "project"
        if ends[i] > i + 1:
            _mark(rows, ends, several, i + 1, ends[i], level + 1)


def nest_project_rows(table: Table) -> None:
    """Give each row of a project table its level and 'group' / 'project' (the 合计 row keeps item 'total')."""
    if table.family != PROJECT_TABLE_FAMILY:
        return
    rows = [row for row in table.rows if row.item != "total"]
    ends = _subtree_ends(rows)
    _mark(rows, ends, _several_levels(ends), 0, len(rows), 1)
