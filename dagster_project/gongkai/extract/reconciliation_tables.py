"""The identities inside each standard table (row total = Σ columns, 类 = Σ 款 = Σ 项, the summary's lines and
totals, 三公 parts) and across tables (the same figure printed in two tables)."""

from __future__ import annotations

from gongkai.extract.pattern_cache import compiled
from gongkai.extract.reconciliation_ledger import (
    Ledger,
    cell_value,
    cell_zero_if_blank,
    row_value,
    sum_column,
    sum_known,
    value_of,
    zero_if_blank,
)
from gongkai.extract.records import CELL_AMBIGUOUS, CELL_BLANK, Cell, Report, Table, TableRow
from gongkai.extract.text import squeeze

def check_function_table(ledger: Ledger, table: Table) -> None:
    """Each row's total = Σ its columns; 合计 = Σ 类; 类 = Σ 款; 款 = Σ 项, per column."""
    parts = [c for c in table.columns if c not in ("total", "carryover_begin", "income", "carryover_end")]
    rows = [_RowCells(row) for row in table.rows]
    coded = {r.row.code: r for r in rows if r.row.code}
    for r in rows:
        total = r.by_column.get("total")
        if total is not None and total.value is not None and "total" in table.columns and parts:
            subject = r.row.code or "total"
            values = [cell_zero_if_blank(r.by_column.get(c)) for c in parts]
            ledger.equal(f"{table.family}.row_total.{subject}", "table", cell_value(total),
                         None if None in values else sum_known(values) or 0.0, len(parts), r.row.source)
    total_row = next((r for r in rows if r.row.item == "total"), None)
    families: dict[str | None, list[_RowCells]] = {}
    for r in rows:
        if r.row.code:
            parent = r.row.parent_code if r.row.parent_code in coded else None
            if r.row.level == 1 or parent is not None:
                families.setdefault(parent, []).append(r)
    for parent_code, children in families.items():
        parent = coded.get(parent_code) if parent_code else total_row
        if parent is None:
            continue
        for column in table.columns:
            parent_cell = parent.by_column.get(column)
            child_cells = [child.by_column.get(column) for child in children]
            if all(c is None or c.status == CELL_BLANK for c in (parent_cell, *child_cells)):
                continue
            ambiguous = any(c is not None and c.status == CELL_AMBIGUOUS for c in child_cells)
            actual = None if ambiguous else sum_known([c.value if c is not None else None for c in child_cells])
            ledger.equal(f"{table.family}.children.{parent_code or 'total'}.{column}", "table",
                         cell_zero_if_blank(parent_cell), actual if actual is not None or ambiguous else 0.0,
                         len(children) + 1, parent.row.source)


class _RowCells:
    """A table row with its cells by column, for checks that look each cell up many times."""

    __slots__ = ("row", "by_column")

    def __init__(self, row: TableRow):
        self.row = row
        self.by_column: dict[str, Cell] = {}
        for cell in row.cells:
            self.by_column.setdefault(cell.column, cell)  # the first cell of a column, as TableRow.cell finds it


def check_summary_table(ledger: Ledger, table: Table, column: str = "amount") -> None:
    """收入支出决算总表: each side's lines add up to its 本年合计; 合计 + 结余 + 结转 = 总计; 收入总计 = 支出总计."""
    income = [r for r in table.rows if r.side == "income"]
    spending = [r for r in table.rows if r.side == "expenditure"]
    income_lines = [r for r in income if r.item and r.item.endswith(("_appropriation", "subsidy", "revenue",
                                                                       "remittance")) and not
                    r.item.startswith(("carryover", "of_which"))]
    class_lines = [r for r in spending if not r.item and r.label]
    spend_column = "total" if "total" in table.columns else column
    income_total = table.row(item="income_total", side="income")
    spending_total = table.row(item="expenditure_total", side="expenditure")
    if income_total is not None:
        ledger.equal(f"{table.family}.income_lines", "table", value_of(income_total, column),
                     sum_column(income_lines, column) or 0.0, len(income_lines), income_total.source)
    if spending_total is not None:
        ledger.equal(f"{table.family}.expenditure_lines", "table", value_of(spending_total, spend_column),
                     sum_column(class_lines, spend_column) or 0.0, len(class_lines), spending_total.source)
    grand_in = table.row(item="grand_total", side="income")
    grand_out = table.row(item="grand_total", side="expenditure")
    if grand_in is not None:
        parts = [table.row(item=i, side="income") for i in ("income_total", "non_appropriation_surplus_used",
                                                            "carryover_begin")]
        ledger.equal(f"{table.family}.income_grand_total", "table", value_of(grand_in, column),
                     sum_known([zero_if_blank(p, column) for p in parts if p is not None]), 3, grand_in.source)
    if grand_out is not None:
        parts = [table.row(item=i, side="expenditure") for i in ("expenditure_total", "surplus_distribution",
                                                                 "carryover_end")]
        ledger.equal(f"{table.family}.expenditure_grand_total", "table", value_of(grand_out, spend_column),
                     sum_known([zero_if_blank(p, spend_column) for p in parts if p is not None]), 3, grand_out.source)
    if grand_in is not None and grand_out is not None:
        ledger.equal(f"{table.family}.balanced", "table", value_of(grand_in, column), value_of(grand_out, spend_column),
                     2, grand_out.source)
    if "general_budget" in table.columns:
        for row in spending:
            if row.value("total") is not None:
                parts = [zero_if_blank(row, c) for c in ("general_budget", "government_fund", "state_capital")
                         if row.cell(c) is not None]  # an 8-table report prints no 国有资本经营 column
                subject = row.item or row.label or f"#{row.row_number}"
                ledger.equal(f"{table.family}.row_total.{subject}", "table", value_of(row, "total"),
                             None if None in parts else sum_known(parts) or 0.0, 3, row.source)


def check_economic_table(ledger: Ledger, table: Table) -> None:
    """基本支出表: each 类 = Σ its 款; 人员经费合计 = Σ 301, 303; 公用经费合计 = Σ the other 类."""
    classes = [r for r in table.rows if r.level == 1]
    for parent in classes:
        children = [r for r in table.rows if r.parent_code == parent.code]
        if children:
            ledger.equal(f"{table.family}.children.{parent.code}", "table", zero_if_blank(parent, "amount"),
                         sum_column(children, "amount") or 0.0, len(children) + 1, parent.source)
    for item, category in (("personnel_total", "personnel"), ("public_total", "public")):
        row = table.row(item=item)
        if row is not None:
            members = [r for r in classes if r.category == category]
            ledger.equal(f"{table.family}.{item}", "table", value_of(row, "amount"),
                         sum_column(members, "amount") or 0.0, len(members) + 1, row.source)


def check_three_public(ledger: Ledger, table: Table) -> None:
    """三公: 合计 = 出国 + 接待 + 用车; 用车 = 购置 + 运行维护 (预算数 and 决算数), the report's rows (not a unit's)."""
    rows = {r.item: r for r in table.rows if r.item and not r.level}
    for parent, children in (("total", ("overseas_travel", "reception", "vehicle_total")),
                             ("vehicle_total", ("vehicle_purchase", "vehicle_operation"))):
        if parent not in rows:
            continue
        for column in table.columns:
            values = [zero_if_blank(rows.get(c), column) for c in children]
            ledger.equal(f"three_public.children.{parent}.{column}", "table", zero_if_blank(rows[parent], column),
                         None if None in values else sum_known(values) or 0.0, 3, rows[parent].source)


def check_across_tables(ledger: Ledger, report: Report) -> None:
    summary = report.table("income_expenditure_summary")
    income = report.table("income")
    spending = report.table("expenditure")
    appropriation = report.table("appropriation_summary")
    general = report.table("general_budget_expenditure")
    economic = report.table("general_budget_basic_expenditure")
    three = report.table("three_public")
    pairs = [
        ("cross.income_total", row_value(summary, "amount", item="income_total", side="income"),
         row_value(income, "total", item="total")),
        ("cross.expenditure_total", row_value(summary, "amount", item="expenditure_total", side="expenditure"),
         row_value(spending, "total", item="total")),
        ("cross.appropriation_general_budget",
         row_value(appropriation, "general_budget", item="expenditure_total", side="expenditure"),
         row_value(general, "total", item="total")),
        ("cross.general_budget_income",
         row_value(summary, "amount", item="general_budget_appropriation", side="income"),
         row_value(appropriation, "amount", item="general_budget_appropriation", side="income")),
    ]
    if economic is not None and general is not None:
        personnel = row_value(economic, "amount", item="personnel_total")
        public = row_value(economic, "amount", item="public_total")
        pairs.append(("cross.basic_personnel_public", row_value(general, "basic", item="total"),
                      None if personnel is None or public is None else round(personnel + public, 6)))
    for name, expected, actual in pairs:
        if expected is not None or actual is not None:
            ledger.equal(name, "cross_table", expected, actual)
    _check_class_lines(ledger, summary, spending, "amount", "cross.expenditure_class")
    _check_class_lines(ledger, appropriation, general, "general_budget", "cross.appropriation_class")
    if economic is not None and three is not None:
        for code, item in (("30212", "overseas_travel"), ("30217", "reception"), ("30231", "vehicle_operation"),
                           ("31013", "vehicle_purchase")):
            part = row_value(economic, "amount", code=code)
            if part is not None:
                ledger.at_most(f"cross.three_public_basic.{code}", "cross_table",
                               zero_if_blank(three.row(item=item), "actual"), part)


def _check_class_lines(ledger: Ledger, summary: Table | None, coded: Table | None, column: str, name: str) -> None:
    """Each 类 of a function-coded table against the summary table's line of the same name ('八、社会保障和就业支出'
    there, 208 社会保障和就业支出 here)."""
    if summary is None or coded is None:
        return
    lines = {_class_name(r.label): r for r in summary.rows if r.side == "expenditure" and not r.item and r.label}
    for code_row in coded.rows:
        if code_row.level != 1:
            continue
        row = lines.get(_class_name(code_row.label))
        if row is not None:
            ledger.equal(f"{name}.{code_row.code}", "cross_table", value_of(code_row, "total"), value_of(row, column),
                         2, row.source)


_CLASS_NUMBERING = compiled(r"^[一二三四五六七八九十]+、")


def _class_name(label: str) -> str:
    return _CLASS_NUMBERING.sub("", squeeze(label))

