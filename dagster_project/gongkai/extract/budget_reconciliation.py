"""The identities of a budget (部门预算), evaluated on its tables as :mod:`reconciliation` does for a final.

收支平衡 (收入总计 = 支出总计, each side = the sum of its lines); in every function-coded table 类 = Σ款 = Σ项 and
合计 = 基本 + 项目 per row; in the economic tables 合计 = 人员经费 + 公用经费 per row; 三公 total = its items; across
tables the totals agree (收支总表 = 收入总表 = 支出总表, 财政拨款收支总表 一般公共预算 = 一般公共预算支出表, its 基本支出
= 基本支出表). Names are ``<family>.<identity>[.<subject>]``.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import takewhile

from gongkai.extract.budget_families import BUDGET_FAMILY_BY_KEY, SOURCE_COLUMNS
from gongkai.extract.budget_target_checks import check_budget_targets
from gongkai.extract.pattern_cache import compiled
from gongkai.extract.reconciliation_ledger import Ledger, coarse_rounding, pct_tolerance, unique_names
from gongkai.extract.reconciliation_tables import check_function_table, check_three_public
from gongkai.extract.records import Check, Report, Table, TableRow

_CATEGORY = compiled(r"^(?:[一二三四五六七八九十]+、|[ABC](?=货物|工程|服务))")  # 一、货物 / A 货物 (品目大类)
_UNIT_CODE = compiled(r"^(\d{3,})\s*")  # 121001 西安市信访局: 单位编码 before the unit's name
_PART_COLUMNS = ("tuition_revenue", "funding_appropriation")  # 其中： columns, parts of a column beside them
_USE_LINES = ("basic", "project", "reserve", "business_expenditure", "subsidy_to_affiliates", "remittance_to_superior")
_INCOME_LINES = ("fiscal_appropriation", "fiscal_special_account", "superior_subsidy", "public_service_revenue",
                 "business_revenue", "affiliated_remittance", "other_revenue")


def reconcile_budget(report: Report) -> list[Check]:
    ledger = Ledger()
    for table in report.tables:
        if table.is_empty:
            continue
        if table.family == "budget_three_public":
            check_three_public(ledger, _printed_columns(table))
            check_three_public_units(ledger, table)
        elif table.family in ("budget_summary", "budget_appropriation_summary"):
            check_budget_summary(ledger, table)
        elif _is_coded(table, "economic"):
            check_economic_split(ledger, table)
            check_income_rows(ledger, table)  # 基本支出总表 by source of funds (Shenzhen, Guangzhou)
        elif table.family == "budget_income":
            check_income_rows(ledger, table)
            check_income_lines(ledger, table)
            check_function_table(ledger, replace(_printed_columns(table), columns=("total",)))
        elif table.family == "budget_procurement":
            check_procurement_categories(ledger, table)
            check_income_rows(ledger, table)
        elif table.family == "budget_project_expenditure":
            check_income_rows(ledger, table)
            check_rows_add_up(ledger, table)
        elif _is_coded(table, "function"):
            check_function_table(ledger, _summed_columns(table))
            check_basic_split(ledger, table)
            check_income_rows(ledger, table, "sources")  # a 支出总表 by source of funds too (西安)
    check_budget_across_tables(ledger, report)
    check_budget_narrative(ledger, report)
    check_budget_targets(ledger, report)
    return unique_names(ledger.checks)


def _is_coded(table: Table, coded: str) -> bool:
    family = BUDGET_FAMILY_BY_KEY.get(table.family)
    return family is not None and family.coded == coded


def _printed_columns(table: Table) -> Table:
    """The table with only the columns it prints: a budget family lists every column any budget prints."""
    printed = {cell.column for row in table.rows for cell in row.cells}
    return replace(table, columns=tuple(c for c in table.columns if c in printed))


def _summed_columns(table: Table) -> Table:
    """The printed columns whose sum is the row's 合计: its uses (基本支出, 项目支出 …), not its sources of funds (a
    支出总表 printing them too adds them up on their own); 人员经费 and 公用经费 are parts of 基本支出 where it is printed."""
    printed = _printed_columns(table)
    columns = [c for c in printed.columns if c not in SOURCE_COLUMNS]
    if "basic" in columns:
        columns = [c for c in columns if c not in ("personnel", "public")]
    return replace(printed, columns=tuple(columns))


def summed_sources(printed: tuple[str, ...]) -> list[str]:
    """The source-of-funds columns (资金来源) whose sum is a row's 合计 — 上年结转 and 使用非财政拨款结余 included (what a
    budget can spend); not 一般公共预算 / 政府性基金 / 国有资本经营 where 财政拨款 is printed (its parts), nor 其中：教育收费
    (part of 事业收入) or 其中：经费拨款 (part of 财政拨款)."""
    funds = ("general_budget", "government_fund", "state_capital") if "fiscal_appropriation" in printed else ()
    return [c for c in printed if c in SOURCE_COLUMNS and c not in (*_PART_COLUMNS, *funds)]


def check_basic_split(ledger: Ledger, table: Table) -> None:
    """基本支出 = 人员经费 + 公用经费 on every row where the table prints the three."""
    printed = _printed_columns(table).columns
    if not {"basic", "personnel", "public"} <= set(printed):
        return
    for row in table.rows:
        if row.value("basic") is None and row.value("personnel") is None and row.value("public") is None:
            continue
        ledger.equal(f"{table.family}.basic_split.{row.code or row.item or row.label}", "table",
                     row.value("basic") or 0.0, _sum([row.value("personnel"), row.value("public")]), 3, row.source)


def row_amount(row: TableRow | None) -> float | None:
    """A summary row's figure: its 金额/预算数, else its 合计."""
    if row is None:
        return None
    for column in ("amount", "total"):
        value = row.value(column)
        if value is not None:
            return value
    return None


def _sum(values: list[float | None]) -> float:
    return round(sum(v for v in values if v is not None), 6)


def check_budget_summary(ledger: Ledger, table: Table) -> None:
    """收支总表 / 财政拨款收支总表: 收入总计 = 支出总计; each side's lines add up to its total — the expenditure side
    by function class (一般公共服务支出 …) and, where printed, by use (基本支出, 项目支出, 预留机动经费 …)."""
    name = table.family
    grand_in = table.row(item="grand_total", side="income")
    grand_out = table.row(item="grand_total", side="expenditure")
    if grand_in is not None and grand_out is not None:
        ledger.equal(f"{name}.balanced", "table", row_amount(grand_in), row_amount(grand_out), 2, grand_out.source)
    income = [r for r in table.rows if r.side == "income"]
    lines = [r for r in income if r.item in _INCOME_LINES]
    if not any(r.item == "fiscal_appropriation" for r in lines):  # no 财政拨款 line: the fund lines are the lines
        lines += [r for r in income if r.item and r.item.endswith("_appropriation") and "." not in r.item]
    income_total = table.row(item="income_total", side="income") or grand_in
    if income_total is not None and lines:
        ledger.equal(f"{name}.income_lines", "table", row_amount(income_total),
                     _sum([row_amount(r) for r in lines]), len(lines) + 1, income_total.source)
    uses = [r for r in table.rows if r.side == "expenditure" and r.item in _USE_LINES]
    if not any(r.item in ("basic", "project") for r in uses):  # 上缴上级支出 … under the function classes
        uses = []
    spending_total = table.row(item="expenditure_total", side="expenditure") or grand_out
    for check, lines in (*_class_lines(table, row_amount(spending_total) if spending_total else None),
                         ("expenditure_uses", uses)):
        if spending_total is not None and lines:
            ledger.equal(f"{name}.{check}", "table", row_amount(spending_total),
                         _sum([row_amount(r) for r in lines]), len(lines) + 1, spending_total.source)


def _class_lines(table: Table, total: float | None) -> list[tuple[str, list[TableRow]]]:
    """The expenditure side's lines, per panel where it prints several (by function, by department economic class,
    by government economic class: ``expenditure_lines.<classification>``). A panel's only top line with an amount,
    printing the total (一、部门预算 over 1、一般公共服务支出 …), is a heading: its lines are those right under it."""
    out = []
    spending = [r for r in table.rows if r.side == "expenditure"]
    for classification in dict.fromkeys(r.category for r in spending):
        panel = [r for r in spending if r.category == classification and not r.item and r.label]
        lines = [r for r in panel if r.level in (None, 1)]
        counted = [r for r in lines if row_amount(r) is not None]
        under = [r for r in panel if r.level == 2]
        if len(counted) == 1 and counted[0].level == 1 and row_amount(counted[0]) == total and under:
            lines = under
        name = f"expenditure_lines.{classification}" if classification else "expenditure_lines"
        out.append((name, lines))
    return out


def check_income_rows(ledger: Ledger, table: Table, identity: str = "row_total") -> None:
    """收入预算总表 (and any table by source of funds): each row's 合计 = the sum of its sources, 上年结转 and
    使用非财政拨款结余 included (a budget's 收入合计 is what it can spend): see :func:`summed_sources`."""
    printed = _printed_columns(table).columns
    parts = summed_sources(printed)
    total = "total" if "total" in printed else "amount"
    for row in table.rows:
        if row.value(total) is None or not parts:
            continue
        ledger.equal(f"{table.family}.{identity}.{row.code or row.item or row.label}", "table", row.value(total),
                     _sum([row.value(c) for c in parts]), len(parts) + 1, row.source)


def check_income_lines(ledger: Ledger, table: Table) -> None:
    """A 收入预算总表 printing its sources down the page, one 金额 column (江苏 公开02表: 一般公共预算资金, 政府性基金,
    财政专户管理资金, 其他资金, 上年结转和结余资金, each a group over its 小计 and parts): 收入总计 = Σ the groups."""
    if any(r.code for r in table.rows) or _printed_columns(table).columns != ("total",):
        return
    total = table.row(item="total")
    groups = [r for r in table.rows if r is not total and r.level == 1]
    if total is not None and groups:
        ledger.equal(f"{table.family}.sources", "table", total.value("total"),
                     _sum([r.value("total") for r in groups]), len(groups) + 1, total.source)


def check_rows_add_up(ledger: Ledger, table: Table) -> None:
    """A table of named rows (项目支出预算表: one row per project, or per unit with its projects indented under it):
    its 合计 = the sum of the rows of the first level, per column."""
    total = table.row(item="total")
    rows = [r for r in table.rows if r is not total and not r.item and r.level in (None, 1)]
    if total is None or not rows:
        return
    for column in _printed_columns(table).columns:
        ledger.equal(f"{table.family}.rows.{column}", "table", total.value(column) or 0.0,
                     _sum([r.value(column) for r in rows]), len(rows) + 1, total.source)


def check_three_public_units(ledger: Ledger, table: Table) -> None:
    """A 三公 table printing one block of rows per unit under its 合计 (杭州 表7, 西安 表13): each item's 合计 = the sum
    of the units that have no unit under them. A unit is under another when the other's code is a prefix of its code
    (西安: 121 西安市信访局 above 121001), or when it is the other's 本级 (XX局 above XX局本级); a department printed
    above its one unit (its code a prefix of the unit's) is not added again."""
    units = _units(table)
    leaves = [u for u in units if not any(_is_above(u[0], other) for other, _ in units)]
    for row in table.rows:
        parts = _by_item(leaves, row.item) if row.level is None and row.item else []
        for column in ("budget", "prior_year_budget") if parts else ():
            values = [r.value(column) for r in parts]
            if row.value(column) is None and all(v is None for v in values):
                continue
            ledger.equal(f"{table.family}.units.{row.item}.{column}", "table", row.value(column) or 0.0,
                         _sum(values), len(values) + 1, row.source)


def _units(table: Table) -> list[tuple[str, list[TableRow]]]:
    """The unit blocks of a 三公 table in printed order: (unit as printed, its item rows)."""
    blocks: dict[str, list[TableRow]] = {}
    for row in table.rows:
        if row.level is not None and row.item:
            blocks.setdefault(row.label.strip(), []).append(row)
    return list(blocks.items())


def _is_above(unit: str, other: str) -> bool:
    """``other`` is printed under ``unit``: its code starts with the unit's (121 → 121001), or it is the unit's 本级."""
    code, other_code = _UNIT_CODE.match(unit), _UNIT_CODE.match(other)
    if code and other_code:
        return other_code.group(1) != code.group(1) and other_code.group(1).startswith(code.group(1))
    return _UNIT_CODE.sub("", other) == f"{_UNIT_CODE.sub('', unit)}本级"


def _by_item(units: list[tuple[str, list[TableRow]]], item: str) -> list[TableRow]:
    return [r for _, rows in units for r in rows if r.item == item]


def check_procurement_categories(ledger: Ledger, table: Table) -> None:
    """政府采购预算表: 合计 = the sum of its numbered categories (一、货物, 二、工程, 三、服务 / A 货物, C 服务), else of its
    rows of the first level."""
    total = table.row(item="total")
    categories = [r for r in table.rows if _CATEGORY.match(r.label or "")]
    if not categories:  # a tree by levels (西安: 全额 > unit > items)
        check_rows_add_up(ledger, table)
    elif total is not None:
        ledger.equal(f"{table.family}.categories", "table", total.value("total") or 0.0,
                     _sum([r.value("total") for r in categories]), len(categories) + 1, total.source)
    check_procurement_tree(ledger, table)


def check_procurement_tree(ledger: Ledger, table: Table) -> None:
    """A procurement tree printed by levels without codes (江苏: 品目大类 > 专项 and 经济科目 > 采购物品): each row's 总计
    = the sum of the rows right under it (the next rows deeper than it, at the shallowest level among them)."""
    rows = [r for r in table.rows if r.item != "total"]
    for index, row in enumerate(rows):
        if row.level is None or row.code:
            continue
        under = list(takewhile(lambda r: r.level is not None and r.level > row.level, rows[index + 1:]))
        children = [r for r in under if r.level == min((r.level for r in under), default=None)]
        if children:
            ledger.equal(f"{table.family}.children.{row.label}", "table", row.value("total") or 0.0,
                         _sum([r.value("total") for r in children]), len(children) + 1, row.source)


def _children_in_order(coded: list[TableRow]) -> list[tuple[TableRow, list[TableRow]]]:
    """Each coded row with the rows under it: a 款 belongs to the nearest 类 above it with its code — a table by two
    classifications (烟台: 301 under 政府 501 and again under 505) prints a 类 more than once."""
    children: dict[int, list[TableRow]] = {id(r): [] for r in coded}
    latest: dict[str, TableRow] = {}
    for row in coded:
        parent = latest.get(row.parent_code or "")
        if parent is not None:
            children[id(parent)].append(row)
        latest[row.code] = row
    return [(r, children[id(r)]) for r in coded]


def check_economic_split(ledger: Ledger, table: Table) -> None:
    """By economic class: 类 = Σ款; each row's 合计 = 人员经费 + 公用经费 (+ 项目支出), or 基本支出 + 项目支出, as printed."""
    coded = [r for r in table.rows if r.code]
    for parent, children in _children_in_order(coded):
        if children:
            ledger.equal(f"{table.family}.children.{parent.code}", "table", economic_amount(parent) or 0.0,
                         _sum([economic_amount(r) for r in children]), len(children) + 1, parent.source)
    classes = [r for r in coded if r.level == 1]
    total = table.row(item="total")
    if total is not None and classes:
        ledger.equal(f"{table.family}.children.total", "table", economic_amount(total),
                     _sum([economic_amount(r) for r in classes]), len(classes) + 1, total.source)
    printed = _printed_columns(table).columns
    parts = [c for c in (("basic",) if "basic" in printed else ("personnel", "public")) + ("project",) if c in printed]
    if len(parts) < 2:
        return
    for row in table.rows:
        if row.value("amount") is None:
            continue
        ledger.equal(f"{table.family}.row_total.{row.code or row.item or row.label}", "table", row.value("amount"),
                     _sum([row.value(c) for c in parts]), len(parts) + 1, row.source)


def economic_amount(row: TableRow) -> float | None:
    """An economic row's figure: its 合计 / 金额, else 人员经费 + 公用经费 (a table printing only the two)."""
    if row.value("amount") is not None:
        return row.value("amount")
    parts = [row.value("personnel"), row.value("public")]
    return None if parts == [None, None] else _sum(parts)


def _economic_total(report: Report) -> float | None:
    table = report.table("budget_general_basic")
    row = table.row(item="total") if table is not None and not table.is_empty else None
    return economic_amount(row) if row is not None else None


def _grand(report: Report, family: str, side: str, column: str | None = None) -> float | None:
    table = report.table(family)
    row = table.row(item="grand_total", side=side) if table is not None else None
    if row is None:
        return None
    return row.value(column) if column else row_amount(row)


def _summary_total(report: Report, side: str) -> float | None:
    """The 收支总表's total a 收入总表 / 支出总表 adds up to: its 本年收入(支出)合计, else its 总计; the 总计 where the
    收入总表 has a 上年结转 column (its 合计 then includes the carry-over)."""
    summary = report.table("budget_summary")
    if summary is None:
        return None
    subtotal = summary.row(item=f"{side}_total", side=side)
    income = report.table("budget_income")
    with_carryover = side == "income" and income is not None and any(
        cell.column == "carryover_begin" for row in income.rows for cell in row.cells)
    if subtotal is None or with_carryover:
        return _grand(report, "budget_summary", side)
    return row_amount(subtotal)


def check_budget_across_tables(ledger: Ledger, report: Report) -> None:
    """The same totals printed by several tables agree."""
    pairs = [
        ("cross.income_total", _summary_total(report, "income"), _total(report, "budget_income", "total")),
        ("cross.expenditure_total", _summary_total(report, "expenditure"), _total(report, "budget_expenditure", "total")),
        ("cross.appropriation_general_budget",
         _grand(report, "budget_appropriation_summary", "expenditure", "general_budget"),
         _total(report, "budget_general_expenditure", "total")),
        ("cross.general_basic", _total(report, "budget_general_expenditure", "basic"), _economic_total(report)),
        ("cross.project_total", _total(report, "budget_expenditure", "project"),
         _total(report, "budget_project_expenditure", "total")),
    ]
    for name, expected, actual in pairs:
        if expected is not None and actual is not None:
            ledger.equal(name, "cross_table", expected, actual)


def check_budget_narrative(ledger: Ledger, report: Report) -> None:
    """The narrative's figures = the tables': 三公 budget = the 三公 table's 合计; 机关运行经费 = the 三公 table's
    机关运行经费 (else the 机关运行经费 table's 合计); 政府采购 = the procurement table's 合计."""
    pairs = (
        ("three_public_budget", _printed(report, "budget_three_public", "budget")),
        ("agency_operating_cost_budget", _agency_operating_cost(report)),
        ("procurement_budget", _printed(report, "budget_procurement", "total")),
    )
    for key in ("three_public_budget", "agency_operating_cost_budget"):
        check_stated_change_pct(ledger, report, key)
    for key, (printed, page) in pairs:
        stated = report.fact(key, basis="reported")
        if stated is not None and printed is not None:
            ledger.equal(f"narrative.{key}", "narrative", printed, stated.value, 2, stated.source,
                         f"table p.{page}, narrative p.{stated.source.page}")


def check_stated_change_pct(ledger: Ledger, report: Report, key: str) -> None:
    """A stated growth % (比上年增加 X 万元，增长 Y %) = X / last year's figure (this year's − X)."""
    stated, current, change = (report.fact(k, basis="reported")
                               for k in (f"{key}_change_pct", key, f"{key}_change_amount"))
    if stated is None or current is None or change is None:
        return
    prior = current.value - change.value
    recomputed = round(change.value / prior * 100, 4) if prior else None
    ledger.equal(f"narrative.recomputed.{key}_change_pct", "narrative", recomputed, stated.value, 2, stated.source,
                 f"{change.value} / ({current.value} − {change.value}) × 100",
                 pct_tolerance(change.value, prior) + coarse_rounding(stated.value))  # '11.5%', '26%' round coarser


def _printed(report: Report, family: str, column: str, item: str = "total") -> tuple[float | None, int | None]:
    """A table's figure and the page of its title."""
    table = report.table(family)
    return _total(report, family, column, item), table.source.page if table is not None and table.source else None


def _total(report: Report, family: str, column: str, item: str = "total") -> float | None:
    table = report.table(family)
    row = table.row(item=item) if table is not None and not table.is_empty else None
    return row.value(column) if row is not None else None


def _agency_operating_cost(report: Report) -> tuple[float | None, int | None]:
    in_three_public = _printed(report, "budget_three_public", "budget", "agency_operating_cost")
    return in_three_public if in_three_public[0] is not None else _printed(report, "budget_agency_operating", "amount")
