"""What the column solver knows of a table besides its amounts: its rows keyed by code (合计 for the total row), the
code families whose amounts add up (类 = Σ款, 款 = Σ项), and anchors borrowed from tables built before it —
支出决算表 ≥ the appropriation table per code and column, 收入决算表's 合计 = the 总表's income lines, and the
财政拨款收入支出决算总表's 一般公共预算 column = the appropriation table's 类 totals."""

from __future__ import annotations

from gongkai.extract import tables as found
from gongkai.extract.classification_codes import parent_code
from gongkai.extract.records import CELL_BLANK, CELL_VALUE, Table
from gongkai.extract.solver import Anchor

TOTAL_KEY = "合计"


def row_keys(raw_rows: list[found.RawRow]) -> list[str]:
    keys: list[str] = []
    seen: set[str] = set()
    for raw_row in raw_rows:
        key = raw_row.code or TOTAL_KEY
        while key in seen:
            key += "+"
        seen.add(key)
        keys.append(key)
    return keys


def code_families(keys: list[str]) -> list[tuple[str, list[str]]]:
    children: dict[str, list[str]] = {}
    present = set(keys)
    for key in keys:
        if key == TOTAL_KEY or not key.isdigit():
            continue
        parent = parent_code(key) or TOTAL_KEY
        if parent in present:
            children.setdefault(parent, []).append(key)
    # the 合计 row first, then 类, 款: the anchored top decides the rows below it with the least search
    return sorted(children.items(), key=lambda item: len(item[0]) if item[0] != TOTAL_KEY else 0)


def expenditure_anchors(appropriation: Table | None, columns: tuple[str, ...]) -> dict[str, list[Anchor]]:
    """支出决算表: each code's 基本支出 and 项目支出 at least the appropriation table's."""
    anchors: dict[str, list[Anchor]] = {}
    if appropriation is not None:
        for row in appropriation.rows:
            key = row.code or TOTAL_KEY
            for name in ("basic", "project"):
                value = row.value(name)
                if value is not None:
                    anchors.setdefault(key, []).append(Anchor(columns.index(name), minimum=value))
    return anchors


def income_anchors(summary: Table | None, columns: tuple[str, ...]) -> dict[str, list[Anchor]]:
    """收入决算表: its 合计 row is the income lines of the 收入支出决算总表."""
    anchors: dict[str, list[Anchor]] = {}
    if summary is not None:
        items = {r.item: r.value("amount") for r in summary.rows if r.side == "income" and r.item}
        appropriation = [items.get(k) for k in ("general_budget_appropriation", "government_fund_appropriation",
                                                 "state_capital_appropriation")]
        expected = {
            "fiscal_appropriation": None if all(v is None for v in appropriation)
            else sum(v or 0.0 for v in appropriation),
            "superior_subsidy": items.get("superior_subsidy"),
            "public_service_revenue": items.get("public_service_revenue"),
            "business_revenue": items.get("business_revenue"),
            "affiliated_remittance": items.get("affiliated_remittance"),
            "other_revenue": items.get("other_revenue"),
        }
        anchors[TOTAL_KEY] = [Anchor(columns.index(c), value=v) for c, v in expected.items()]
    return anchors


_FUND_ITEMS = {"general_budget_appropriation": "general_budget", "government_fund_appropriation": "government_fund",
               "state_capital_appropriation": "state_capital"}


def unfunded(income_side: list[tuple[str | None, list[float]]]) -> set[str]:
    """The funds (一般公共预算 / 政府性基金 / 国有资本经营) whose lines on the income side of the 财政拨款收入支出决算总表
    (``income_side``: item and amounts of each line, in printed order) print nothing but blanks or zeros — 本年收入
    and 年初结转和结余 alike (its own line under 年初…, else the 年初 line itself): such a fund spends nothing and
    carries nothing over."""
    income: dict[str, bool] = {}
    carried: dict[str, bool] = {}
    begin_empty, after_begin = False, False
    for item, amounts in income_side:
        empty = not any(amounts)
        if item == "carryover_begin":
            begin_empty, after_begin = empty, True
        elif item in _FUND_ITEMS:
            (carried if after_begin else income)[_FUND_ITEMS[item]] = empty
    return {fund for fund, empty in income.items() if empty and carried.get(fund, begin_empty)}


def appropriation_anchors(labels: list[str], items: list[str | None], spending: tuple[str, ...],
                          tables: dict[str, Table], unfunded_funds: set[str]) -> dict[int, list[Anchor]]:
    """财政拨款收入支出决算总表: per row (by index; ``labels`` cleaned of their numbering), the spending columns that
    the total of the fund's own table, or the 类 total of the same name there, decides; all blank where that table
    is empty, or where the report prints no such table (an 8-table set) and the fund is one of ``unfunded_funds``;
    年末结转和结余 blank where that table carries nothing to the next year."""
    sources = {
        "general_budget": tables.get("general_budget_expenditure"),
        "government_fund": tables.get("government_fund"),
        "state_capital": tables.get("state_capital"),
    }
    anchors: dict[int, list[Anchor]] = {}
    for index, (label, item) in enumerate(zip(labels, items)):
        for column, table in sources.items():
            empty = table.is_empty if table is not None else column in unfunded_funds
            if table is None and not empty:
                continue
            blank = empty or (item == "carryover_end" and _carries_nothing(table))
            if blank:
                value = None
            elif item == "expenditure_total":
                value = _table_total(table)
            elif label and not item:
                value = _class_total(table, label)
            else:
                continue
            if value is not None or blank:
                anchors.setdefault(index, []).append(Anchor(spending.index(column), value=value))
    return anchors


def _table_total(table: Table) -> float | None:
    row = table.row(item="total")
    return row.value("total") if row else None


def _carries_nothing(table: Table) -> bool:
    """The fund's own table prints its 年末结转和结余 total blank or 0.00 (decided, not ambiguous): the summary's 年末
    结转和结余 has nothing in that fund's column (a table without such a column, 05 or 08, says nothing)."""
    row = table.row(item="total")
    cell = row.cell("carryover_end") if row else None
    return cell is not None and (cell.status == CELL_BLANK or (cell.status == CELL_VALUE and cell.value == 0))


def _class_total(table: Table, label: str) -> float | None:
    for row in table.rows:
        if row.level == 1 and row.label == label:
            return row.value("total")
    return None
