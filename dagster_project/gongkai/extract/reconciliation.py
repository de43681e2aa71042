"""Reconciliation: the accounting identities a correct report satisfies, evaluated on what was read.

Each check has expected, actual, difference, tolerance and a status: 'pass', 'fail', or 'not_run' when an input is
missing or ambiguous ('not_run' is never a pass). A real report can break any identity: the check fails, the number
is kept as printed. Names are stable: ``<scope>.<identity>[.<subject>]``. The identities: inside and across tables
(:mod:`~gongkai.extract.reconciliation_tables`), the narrative against the tables
(:mod:`~gongkai.extract.reconciliation_narrative`), the performance forms
(:mod:`~gongkai.extract.reconciliation_performance`).
"""

from __future__ import annotations

from gongkai.extract.families import FAMILY_BY_KEY, SUPPLEMENTARY_KEYS
from gongkai.extract.reconciliation_ledger import Ledger, unique_names
from gongkai.extract.reconciliation_narrative import NarrativeFacts, check_narrative
from gongkai.extract.reconciliation_performance import check_performance
from gongkai.extract.reconciliation_tables import (
    check_across_tables,
    check_economic_table,
    check_function_table,
    check_summary_table,
    check_three_public,
)
from gongkai.extract.records import Check, Report


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
    facts = NarrativeFacts(report)
    check_narrative(ledger, report, facts)
    check_performance(ledger, report, facts)
    return unique_names(ledger.checks)
