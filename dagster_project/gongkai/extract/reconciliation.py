"""Reconciliation: the accounting identities a correct report satisfies, evaluated on what was read.

Each check has expected, actual, difference, tolerance and a status: 'pass', 'fail', or 'not_run' when an input is
missing or ambiguous ('not_run' is never a pass). A real report can break any identity: the check fails, the number
is kept as printed. Names are stable: ``<scope>.<identity>[.<subject>]``.
"""

from __future__ import annotations

import re

from gongkai.extract.families import FAMILY_BY_KEY, SUPPLEMENTARY_KEYS
from gongkai.extract.project_matching import match_project
from gongkai.extract.records import (
    CELL_AMBIGUOUS,
    CELL_BLANK,
    CHECK_FAIL,
    CHECK_NOT_RUN,
    CHECK_PASS,
    Cell,
    Check,
    NarrativeFact,
    ProjectEvaluation,
    Report,
    Source,
    Table,
    TableRow,
)
from gongkai.extract.text import squeeze

ROUNDING = 0.02  # 尾差: reports round each printed cell to 0.01
PERCENT = 0.02
#: Narrative shares of a whole (占…的比例): a value over 100 % is impossible, stated or derived.
SHARE_KEYS = ("sme_share_pct", "small_micro_share_pct", "sme_share_goods_pct", "sme_share_works_pct",
              "sme_share_services_pct")


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


def _sum(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(sum(known), 6) if known else None


def _ambiguous(rows: list[TableRow], column: str) -> bool:
    return any((c := r.cell(column)) is not None and c.status == CELL_AMBIGUOUS for r in rows)


def _sum_column(rows: list[TableRow], column: str) -> float | None:
    if _ambiguous(rows, column):
        return None
    values = [r.value(column) for r in rows]
    return _sum(values) if rows else None


def _value(row: TableRow | None, column: str) -> float | None:
    return None if row is None else _cell_value(row.cell(column))


def _cell_value(cell: Cell | None) -> float | None:
    return None if cell is None or cell.status == CELL_AMBIGUOUS else cell.value


def _zero_if_blank(row: TableRow | None, column: str) -> float | None:
    """A printed row whose cell is blank is 0 for an identity; a missing row or ambiguous cell is unknown."""
    return None if row is None else _cell_zero_if_blank(row.cell(column))


def _cell_zero_if_blank(cell: Cell | None) -> float | None:
    if cell is None or cell.status == CELL_AMBIGUOUS:
        return None
    return cell.value if cell.value is not None else 0.0


# --- inside tables ---------------------------------------------------------------------------------------------------


def check_function_table(ledger: Ledger, table: Table) -> None:
    """Each row's total = Σ its columns; 合计 = Σ 类; 类 = Σ 款; 款 = Σ 项, per column."""
    parts = [c for c in table.columns if c not in ("total", "carryover_begin", "income", "carryover_end")]
    rows = [_RowCells(row) for row in table.rows]
    coded = {r.row.code: r for r in rows if r.row.code}
    for r in rows:
        total = r.by_column.get("total")
        if total is not None and total.value is not None and "total" in table.columns and parts:
            subject = r.row.code or "total"
            values = [_cell_zero_if_blank(r.by_column.get(c)) for c in parts]
            ledger.equal(f"{table.family}.row_total.{subject}", "table", _cell_value(total),
                         None if None in values else _sum(values) or 0.0, len(parts), r.row.source)
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
            actual = None if ambiguous else _sum([c.value if c is not None else None for c in child_cells])
            ledger.equal(f"{table.family}.children.{parent_code or 'total'}.{column}", "table",
                         _cell_zero_if_blank(parent_cell), actual if actual is not None or ambiguous else 0.0,
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
        ledger.equal(f"{table.family}.income_lines", "table", _value(income_total, column),
                     _sum_column(income_lines, column) or 0.0, len(income_lines), income_total.source)
    if spending_total is not None:
        ledger.equal(f"{table.family}.expenditure_lines", "table", _value(spending_total, spend_column),
                     _sum_column(class_lines, spend_column) or 0.0, len(class_lines), spending_total.source)
    grand_in = table.row(item="grand_total", side="income")
    grand_out = table.row(item="grand_total", side="expenditure")
    if grand_in is not None:
        parts = [table.row(item=i, side="income") for i in ("income_total", "non_appropriation_surplus_used",
                                                            "carryover_begin")]
        ledger.equal(f"{table.family}.income_grand_total", "table", _value(grand_in, column),
                     _sum([_zero_if_blank(p, column) for p in parts if p is not None]), 3, grand_in.source)
    if grand_out is not None:
        parts = [table.row(item=i, side="expenditure") for i in ("expenditure_total", "surplus_distribution",
                                                                 "carryover_end")]
        ledger.equal(f"{table.family}.expenditure_grand_total", "table", _value(grand_out, spend_column),
                     _sum([_zero_if_blank(p, spend_column) for p in parts if p is not None]), 3, grand_out.source)
    if grand_in is not None and grand_out is not None:
        ledger.equal(f"{table.family}.balanced", "table", _value(grand_in, column), _value(grand_out, spend_column),
                     2, grand_out.source)
    if "general_budget" in table.columns:
        for row in spending:
            if row.value("total") is not None:
                parts = [_zero_if_blank(row, c) for c in ("general_budget", "government_fund", "state_capital")
                         if row.cell(c) is not None]  # an 8-table report prints no 国有资本经营 column
                subject = row.item or row.label or f"#{row.row_number}"
                ledger.equal(f"{table.family}.row_total.{subject}", "table", _value(row, "total"),
                             None if None in parts else _sum(parts) or 0.0, 3, row.source)


def check_economic_table(ledger: Ledger, table: Table) -> None:
    """基本支出表: each 类 = Σ its 款; 人员经费合计 = Σ 301, 303; 公用经费合计 = Σ the other 类."""
    classes = [r for r in table.rows if r.level == 1]
    for parent in classes:
        children = [r for r in table.rows if r.parent_code == parent.code]
        if children:
            ledger.equal(f"{table.family}.children.{parent.code}", "table", _zero_if_blank(parent, "amount"),
                         _sum_column(children, "amount") or 0.0, len(children) + 1, parent.source)
    for item, category in (("personnel_total", "personnel"), ("public_total", "public")):
        row = table.row(item=item)
        if row is not None:
            members = [r for r in classes if r.category == category]
            ledger.equal(f"{table.family}.{item}", "table", _value(row, "amount"),
                         _sum_column(members, "amount") or 0.0, len(members) + 1, row.source)


def check_three_public(ledger: Ledger, table: Table) -> None:
    """三公: 合计 = 出国 + 接待 + 用车; 用车 = 购置 + 运行维护 (预算数 and 决算数), the report's rows (not a unit's)."""
    rows = {r.item: r for r in table.rows if r.item and not r.level}
    for parent, children in (("total", ("overseas_travel", "reception", "vehicle_total")),
                             ("vehicle_total", ("vehicle_purchase", "vehicle_operation"))):
        if parent not in rows:
            continue
        for column in table.columns:
            values = [_zero_if_blank(rows.get(c), column) for c in children]
            ledger.equal(f"three_public.children.{parent}.{column}", "table", _zero_if_blank(rows[parent], column),
                         None if None in values else _sum(values) or 0.0, 3, rows[parent].source)


# --- across tables ---------------------------------------------------------------------------------------------------


def _row_value(table: Table | None, column: str, **where: object) -> float | None:
    if table is None:
        return None
    return _value(table.row(**where), column)


def check_across_tables(ledger: Ledger, report: Report) -> None:
    summary = report.table("income_expenditure_summary")
    income = report.table("income")
    spending = report.table("expenditure")
    appropriation = report.table("appropriation_summary")
    general = report.table("general_budget_expenditure")
    economic = report.table("general_budget_basic_expenditure")
    three = report.table("three_public")
    pairs = [
        ("cross.income_total", _row_value(summary, "amount", item="income_total", side="income"),
         _row_value(income, "total", item="total")),
        ("cross.expenditure_total", _row_value(summary, "amount", item="expenditure_total", side="expenditure"),
         _row_value(spending, "total", item="total")),
        ("cross.appropriation_general_budget",
         _row_value(appropriation, "general_budget", item="expenditure_total", side="expenditure"),
         _row_value(general, "total", item="total")),
        ("cross.general_budget_income",
         _row_value(summary, "amount", item="general_budget_appropriation", side="income"),
         _row_value(appropriation, "amount", item="general_budget_appropriation", side="income")),
    ]
    if economic is not None and general is not None:
        personnel = _row_value(economic, "amount", item="personnel_total")
        public = _row_value(economic, "amount", item="public_total")
        pairs.append(("cross.basic_personnel_public", _row_value(general, "basic", item="total"),
                      None if personnel is None or public is None else round(personnel + public, 6)))
    for name, expected, actual in pairs:
        if expected is not None or actual is not None:
            ledger.equal(name, "cross_table", expected, actual)
    _check_class_lines(ledger, summary, spending, "amount", "cross.expenditure_class")
    _check_class_lines(ledger, appropriation, general, "general_budget", "cross.appropriation_class")
    if economic is not None and three is not None:
        for code, item in (("30212", "overseas_travel"), ("30217", "reception"), ("30231", "vehicle_operation"),
                           ("31013", "vehicle_purchase")):
            part = _row_value(economic, "amount", code=code)
            if part is not None:
                ledger.at_most(f"cross.three_public_basic.{code}", "cross_table",
                               _zero_if_blank(three.row(item=item), "actual"), part)


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
            ledger.equal(f"{name}.{code_row.code}", "cross_table", _value(code_row, "total"), _value(row, column),
                         2, row.source)


_CLASS_NUMBERING = re.compile(r"^[一二三四五六七八九十]+、")


def _class_name(label: str) -> str:
    return _CLASS_NUMBERING.sub("", squeeze(label))


class _Facts:
    """The report's narrative facts by key: :meth:`Report.fact` (reported, else derived) without scanning every fact
    of the report at each look-up."""

    def __init__(self, report: Report):
        self._by_key: dict[str, list[NarrativeFact]] = {}
        for fact in report.narrative:
            self._by_key.setdefault(fact.key, []).append(fact)

    def fact(self, key: str) -> NarrativeFact | None:
        facts = self._by_key.get(key, ())
        for wanted in ("reported", "derived"):
            for fact in facts:
                if fact.basis == wanted:
                    return fact
        return None


# --- narrative against tables ------------------------------------------------------------------------------------------


def check_narrative(ledger: Ledger, report: Report, facts: _Facts | None = None) -> None:
    facts = facts or _Facts(report)
    summary = report.table("income_expenditure_summary")
    spending = report.table("expenditure")
    appropriation = report.table("appropriation_summary")
    general = report.table("general_budget_expenditure")
    economic = report.table("general_budget_basic_expenditure")
    three = report.table("three_public")

    grand_total = _row_value(summary, "amount", item="grand_total", side="income")
    spending_total = _row_value(summary, "amount", item="expenditure_total", side="expenditure")
    spending_grand = _row_value(summary, "amount", item="grand_total", side="expenditure")
    expected = {
        "income_total": grand_total,
        "carryover_begin": _row_value(summary, "amount", item="carryover_begin", side="income"),
        "carryover_end": _row_value(summary, "amount", item="carryover_end", side="expenditure"),
        "income_current_year": _row_value(summary, "amount", item="income_total", side="income"),
        "expenditure_current_year": spending_total,
        "expenditure_basic": _row_value(spending, "basic", item="total"),
        "expenditure_project": _row_value(spending, "project", item="total"),
        "appropriation_expenditure": _row_value(appropriation, "total", item="expenditure_total", side="expenditure"),
        "general_budget_expenditure": _row_value(general, "total", item="total"),
        "basic_appropriation": _row_value(general, "basic", item="total"),
        "personnel_expenditure": _row_value(economic, "amount", item="personnel_total"),
        "public_expenditure": _row_value(economic, "amount", item="public_total"),
    }
    for item in ("total", "overseas_travel", "reception", "vehicle_total", "vehicle_purchase", "vehicle_operation"):
        expected[f"three_public_{item}"] = _zero_if_blank(three.row(item=item), "actual") if three else None
    for key, value in expected.items():
        stated = facts.fact(key)
        if stated is not None:
            ledger.equal(f"narrative.{key}", "narrative", value, stated.value, 2, stated.source)
    stated_total = facts.fact("expenditure_total")
    if stated_total is not None:
        # 支出总计 is printed for 本年支出合计 in some provinces and for 总计 in others: either reading is the table's
        options = [v for v in (spending_total, spending_grand) if v is not None]
        nearest = min(options, key=lambda v: abs(v - stated_total.value)) if options else None
        ledger.equal("narrative.expenditure_total", "narrative", nearest, stated_total.value, 2, stated_total.source)
    _check_narrative_classes(ledger, report, general)
    _check_stated_percentages(ledger, report, facts)


def _check_narrative_classes(ledger: Ledger, report: Report, general: Table | None) -> None:
    if general is None:
        return
    by_name: dict[str, TableRow] = {}
    for row in general.rows:
        if row.code:
            by_name.setdefault(f"{row.level}:{row.label}", row)
    rows_by_code = {r.code: r for r in general.rows if r.code}
    for stated in report.narrative:
        if stated.basis != "reported" or stated.qualifier is None:
            continue
        if stated.key == "general_budget_class_amount":
            row = by_name.get(f"1:{squeeze(stated.qualifier)}")
        elif stated.key == "general_budget_item_amount":
            row = _item_row(stated.qualifier, general, rows_by_code)
        else:
            continue
        ledger.equal(f"narrative.{stated.key}.{row.code if row else stated.qualifier}", "narrative",
                     _value(row, "total") if row else None, stated.value, 2, stated.source,
                     "" if row else f"no row named {stated.qualifier} in {general.family}")


def _item_row(path: str, general: Table, rows_by_code: dict[str | None, TableRow]) -> TableRow | None:
    names = [squeeze(p) for p in path.split("/")]
    for row in general.rows:
        if row.level != 3 or row.label != names[-1]:
            continue
        parent = rows_by_code.get(row.parent_code)
        if len(names) < 2 or (parent is not None and parent.label == names[-2]):
            return row
    return None


def _pct(part: float | None, whole: float | None) -> float | None:
    if part is None or not whole:
        return None
    return round(part / whole * 100, 4)


def pct_tolerance(part: float | None, whole: float | None, printed_step: float = 0.01) -> float:
    """How far a stated % may be from part/whole when both amounts and the % were each rounded to their last digit."""
    if part is None or not whole:
        return PERCENT
    half = printed_step / 2
    return round(100 * (half / abs(whole) + abs(part) * half / whole**2) + 0.005, 4)


def _coarse_rounding(stated: float | None) -> float:
    """Half the last printed step of a % stated with fewer than two decimals ('86%', '83.5%'), beyond the 0.005
    :func:`pct_tolerance` allows for two."""
    if stated is None:
        return 0.0
    decimals = len(repr(float(stated)).split(".")[1].rstrip("0"))
    return 0.0 if decimals >= 2 else round(0.5 * 10.0**-decimals - 0.005, 4)


def _prior(current: float | None, change: float | None) -> float | None:
    return None if current is None or change is None else current - change


def _check_stated_percentages(ledger: Ledger, report: Report, facts: _Facts) -> None:
    """A stated % must be recomputable from the stated amounts; procurement parts add up."""
    value = lambda key: (f.value if (f := facts.fact(key)) else None)  # noqa: E731
    three = report.table("three_public")
    budget = value("three_public_budget")
    if budget is None and three is not None:
        budget = _value(three.row(item="total"), "budget")
    ratios = {
        "sme_share_pct": (value("sme_amount"), value("procurement_total")),
        "small_micro_share_pct": (value("small_micro_amount"), value("sme_amount")),
        "three_public_completion_pct": (value("three_public_total"), budget),
    }
    for base in ("income_total", "expenditure_total", "carryover_end", "appropriation", "agency_operating_cost"):
        amount_key = "appropriation_expenditure" if base == "appropriation" else base
        ratios[f"{base}_change_pct"] = (value(f"{base}_change_amount"),
                                        _prior(value(amount_key), value(f"{base}_change_amount")))
    for key, (part, whole) in ratios.items():
        stated = facts.fact(key)
        if stated is not None and stated.basis == "reported":
            ledger.equal(f"narrative.recomputed.{key}", "narrative", _pct(part, whole), stated.value, 2,
                         stated.source, tolerance=pct_tolerance(part, whole))
    _check_project_rates(ledger, report)
    total = facts.fact("procurement_total")
    if total is not None:
        parts = [value(k) for k in ("procurement_goods", "procurement_works", "procurement_services")]
        ledger.equal("narrative.procurement_parts", "narrative", total.value,
                     None if None in parts else _sum(parts), 3, total.source)
        ledger.at_most("narrative.sme_within_total", "narrative", total.value, value("sme_amount"), total.source)
    sme = facts.fact("sme_amount")
    if sme is not None:
        ledger.at_most("narrative.small_micro_within_sme", "narrative", sme.value, value("small_micro_amount"),
                       sme.source)
    for key in SHARE_KEYS:
        if (share := facts.fact(key)) is not None:
            ledger.at_most(f"narrative.share_at_most_100.{key}", "narrative", 100.0, share.value, share.source,
                           f"a share (占比) is at most 100 % ({share.basis}: {share.original})")


# --- performance ---------------------------------------------------------------------------------------------------


def check_performance(ledger: Ledger, report: Report, facts: _Facts | None = None) -> None:
    facts = facts or _Facts(report)
    for project in report.projects:
        subject = _project_subject(project)
        scores = [i.score for i in project.indicators]
        if project.indicator_subtotal is not None:  # a form printing no 小计 (Xi'an's) has nothing to check here
            ledger.equal(f"performance.subtotal.{subject}", "performance", project.indicator_subtotal,
                         None if None in scores else _sum(scores), len(scores), project.source, tolerance=0.05)
        computed = _project_total(project, scores)
        ledger.equal(f"performance.total_score.{subject}", "performance", project.total_score, computed,
                     source=project.source, tolerance=0.05)
        ledger.equal(f"performance.execution_rate.{subject}", "performance", _pct(project.actual, project.budget),
                     project.execution_rate_pct, source=project.source,
                     tolerance=pct_tolerance(project.actual, project.budget)
                     + _coarse_rounding(project.execution_rate_pct))
        over = [i.level3 for i in project.indicators if i.score is not None and i.weight is not None
                and i.score > i.weight + 1e-9]
        ledger.checks.append(Check(f"performance.scores_within_weights.{subject}", "performance", 0.0,
                                   float(len(over)), 0.0, CHECK_FAIL if over else CHECK_PASS,
                                   ", ".join(over), project.source))
    for unit in report.unit_evaluations:
        scores = [i.score for i in unit.indicators] + [t.score for t in unit.tasks]
        ledger.equal(f"performance.unit_total_score.{unit.unit_code or unit.unit_name}", "performance",
                     unit.total_score, None if None in scores else _sum(scores), len(scores), unit.source,
                     tolerance=0.05)
    _check_narrative_projects(ledger, report)
    for key, records in (("performance_project_funds", report.projects),
                         ("performance_unit_funds", report.unit_evaluations)):
        stated = facts.fact(key)
        budgets = [getattr(r, "budget", None) if key == "performance_project_funds" else r.budget_expenditure
                   for r in records]
        if stated is not None and records:
            ledger.equal(f"narrative.{key}", "narrative", None if None in budgets else _sum(budgets), stated.value,
                         len(budgets), stated.source)
    for key, count in (("performance_projects_count", len(report.projects)),
                       ("performance_units_count", len(report.unit_evaluations))):
        stated = facts.fact(key)
        if stated is not None:
            ledger.equal(f"narrative.{key}", "narrative", float(count) if count else None, stated.value,
                         source=stated.source, tolerance=0.0,
                         detail="" if count else "the report prints no self-evaluation tables to count")


def _project_total(project: ProjectEvaluation, scores: list[float | None]) -> float | None:
    """总分 = 指标自评得分小计 + 执行率得分 − 减分; a form printing no 小计 (Xi'an's) adds up its indicator scores."""
    if project.execution_score is None:
        return None
    if project.indicator_subtotal is not None:
        return None if project.deduction is None else (
            project.indicator_subtotal + project.execution_score - project.deduction)
    if not scores or None in scores:
        return None
    return _sum(scores) + project.execution_score - (project.deduction or 0.0)


def _project_subject(project: ProjectEvaluation) -> str:
    unit = f"@{project.implementing_unit}" if project.implementing_unit else ""
    return f"{squeeze(project.name)}{unit}"


def _check_project_rates(ledger: Ledger, report: Report) -> None:
    """Each project's stated execution rate must follow from its stated budget and actual (自评综述)."""
    amounts: dict[str, dict[str, NarrativeFact]] = {}
    for stated in report.narrative:
        if stated.qualifier and stated.basis == "reported" and stated.key in ("project_budget", "project_actual",
                                                                               "project_execution_rate_pct"):
            amounts.setdefault(stated.qualifier, {})[stated.key] = stated
    for name, facts in amounts.items():
        rate = facts.get("project_execution_rate_pct")
        budget, actual = facts.get("project_budget"), facts.get("project_actual")
        if rate is None or budget is None or actual is None:
            continue
        ledger.equal(f"narrative.recomputed.project_execution_rate_pct.{squeeze(name)}", "narrative",
                     _pct(actual.value, budget.value), rate.value, 2, rate.source,
                     tolerance=pct_tolerance(actual.value, budget.value))


def _check_narrative_projects(ledger: Ledger, report: Report) -> None:
    fields = {"project_budget": "budget", "project_actual": "actual", "project_execution_rate_pct":
              "execution_rate_pct", "project_score": "total_score"}
    compact_names = [squeeze(p.name) for p in report.projects]
    stated_amounts: dict[str, dict[str, float]] = {}
    for stated in report.narrative:
        if stated.key in ("project_budget", "project_actual") and stated.qualifier and stated.basis == "reported":
            stated_amounts.setdefault(stated.qualifier, {})[stated.key] = stated.value
    for stated in report.narrative:
        if stated.key not in fields or stated.qualifier is None or stated.basis != "reported":
            continue
        amounts = stated_amounts.get(stated.qualifier, {})
        budget, actual = amounts.get("project_budget"), amounts.get("project_actual")
        project = match_project(stated.qualifier, report.projects, compact_names, (budget, actual))
        attr = fields[stated.key]
        printed = getattr(project, attr) if project else None
        tolerance = 0.05 if attr != "budget" and attr != "actual" else ROUNDING
        if attr == "execution_rate_pct":  # a form's 86% against the narrative's 85.64%
            tolerance += _coarse_rounding(printed)
        ledger.equal(f"narrative.{stated.key}.{_project_subject(project) if project else squeeze(stated.qualifier)}",
                     "narrative", printed, stated.value, 2, stated.source,
                     "" if project else _unmatched(budget, actual), tolerance=tolerance)


def _unmatched(budget: float | None, actual: float | None) -> str:
    """Why a stated project has nothing to be compared with."""
    if budget is None or actual is None:
        return "no self-evaluation table for this project (no form by its name)"
    return (f"no self-evaluation table for this project (no form by its name, nor a form of its unit printing "
            f"全年预算数 {budget:g} and 执行数 {actual:g})")


def unique_names(checks: list[Check]) -> list[Check]:
    """Two checks of one name (e.g. a label printed twice) get #2, #3… so (report, check_name) stays a key."""
    seen: dict[str, int] = {}
    for check in checks:
        count = seen[check.name] = seen.get(check.name, 0) + 1
        if count > 1:
            check.name = f"{check.name}#{count}"
    return checks


def reconcile(report: Report) -> list[Check]:
    ledger = Ledger()
    for table in report.tables:
        if table.is_empty:
            continue
        family = FAMILY_BY_KEY.get(table.family)
        if family is not None and (family.coded == "function" or family.coded and family.key in SUPPLEMENTARY_KEYS):
            check_function_table(ledger, table)  # (a supplementary economic table: 类 = Σ款, 合计 = 基本 + 项目)
        elif table.family in ("income_expenditure_summary", "appropriation_summary"):
            check_summary_table(ledger, table)
        elif table.family == "general_budget_basic_expenditure":
            check_economic_table(ledger, table)
        elif table.family == "three_public":
            check_three_public(ledger, table)
    check_across_tables(ledger, report)
    facts = _Facts(report)
    check_narrative(ledger, report, facts)
    check_performance(ledger, report, facts)
    return unique_names(ledger.checks)
