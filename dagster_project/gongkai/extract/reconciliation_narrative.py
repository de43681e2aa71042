"""The narrative against the tables: each figure the narrative states (决算情况说明) against the table that prints it,
and each stated percentage against the stated amounts it is a ratio of."""

from __future__ import annotations

from gongkai.extract.reconciliation_ledger import (
    Ledger,
    pct_tolerance,
    percent_of,
    row_value,
    sum_known,
    value_of,
    zero_if_blank,
)
from gongkai.extract.records import NarrativeFact, Report, Table, TableRow
from gongkai.extract.text import squeeze

#: Narrative shares of a whole (占…的比例): a value over 100 % is impossible, stated or derived.
SHARE_KEYS = ("sme_share_pct", "small_micro_share_pct", "sme_share_goods_pct", "sme_share_works_pct",
              "sme_share_services_pct")


class NarrativeFacts:
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


def check_narrative(ledger: Ledger, report: Report, facts: NarrativeFacts | None = None) -> None:
    facts = facts or NarrativeFacts(report)
    summary = report.table("income_expenditure_summary")
    spending = report.table("expenditure")
    appropriation = report.table("appropriation_summary")
    general = report.table("general_budget_expenditure")
    economic = report.table("general_budget_basic_expenditure")
    three = report.table("three_public")

    grand_total = row_value(summary, "amount", item="grand_total", side="income")
    spending_total = row_value(summary, "amount", item="expenditure_total", side="expenditure")
    spending_grand = row_value(summary, "amount", item="grand_total", side="expenditure")
    expected = {
        "income_total": grand_total,
        "carryover_begin": row_value(summary, "amount", item="carryover_begin", side="income"),
        "carryover_end": row_value(summary, "amount", item="carryover_end", side="expenditure"),
        "income_current_year": row_value(summary, "amount", item="income_total", side="income"),
        "expenditure_current_year": spending_total,
        "expenditure_basic": row_value(spending, "basic", item="total"),
        "expenditure_project": row_value(spending, "project", item="total"),
        "appropriation_expenditure": row_value(appropriation, "total", item="expenditure_total", side="expenditure"),
        "general_budget_expenditure": row_value(general, "total", item="total"),
        "basic_appropriation": row_value(general, "basic", item="total"),
        "personnel_expenditure": row_value(economic, "amount", item="personnel_total"),
        "public_expenditure": row_value(economic, "amount", item="public_total"),
    }
    for item in ("total", "overseas_travel", "reception", "vehicle_total", "vehicle_purchase", "vehicle_operation"):
        expected[f"three_public_{item}"] = zero_if_blank(three.row(item=item), "actual") if three else None
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
                     value_of(row, "total") if row else None, stated.value, 2, stated.source,
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


def _prior(current: float | None, change: float | None) -> float | None:
    return None if current is None or change is None else current - change


def _check_stated_percentages(ledger: Ledger, report: Report, facts: NarrativeFacts) -> None:
    """A stated % must be recomputable from the stated amounts; procurement parts add up."""
    value = lambda key: (f.value if (f := facts.fact(key)) else None)  # noqa: E731
    three = report.table("three_public")
    budget = value("three_public_budget")
    if budget is None and three is not None:
        budget = value_of(three.row(item="total"), "budget")
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
            ledger.equal(f"narrative.recomputed.{key}", "narrative", percent_of(part, whole), stated.value, 2,
                         stated.source, tolerance=pct_tolerance(part, whole))
    _check_project_rates(ledger, report)
    total = facts.fact("procurement_total")
    if total is not None:
        parts = [value(k) for k in ("procurement_goods", "procurement_works", "procurement_services")]
        ledger.equal("narrative.procurement_parts", "narrative", total.value,
                     None if None in parts else sum_known(parts), 3, total.source)
        ledger.at_most("narrative.sme_within_total", "narrative", total.value, value("sme_amount"), total.source)
    sme = facts.fact("sme_amount")
    if sme is not None:
        ledger.at_most("narrative.small_micro_within_sme", "narrative", sme.value, value("small_micro_amount"),
                       sme.source)
    for key in SHARE_KEYS:
        if (share := facts.fact(key)) is not None:
            ledger.at_most(f"narrative.share_at_most_100.{key}", "narrative", 100.0, share.value, share.source,
                           f"a share (占比) is at most 100 % ({share.basis}: {share.original})")


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
                     percent_of(actual.value, budget.value), rate.value, 2, rate.source,
                     tolerance=pct_tolerance(actual.value, budget.value))
