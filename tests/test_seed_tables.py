"""Golden tests: every row and column of the nine standard tables of the seed report (辽宁省数据局 2024 决算).

The expected blocks were checked line by line against the report's tables (公开01表–公开09表). Only non-blank cells
are listed; every other cell must be blank (NULL).
"""

from __future__ import annotations

import pytest

from golden import parse_block, render

EXPECTED = {
    "income_expenditure_summary": """
    inc:general_budget_appropriation amount=5741.50
    exp:#32 amount=4669.97
    inc:other_revenue amount=0.00
    exp:#39 amount=572.83
    exp:#40 amount=89.36
    exp:#50 amount=184.75
    inc:income_total amount=5741.50
    exp:expenditure_total amount=5516.90
    inc:carryover_begin amount=2.18
    exp:carryover_end amount=226.77
    inc:grand_total amount=5743.67
    exp:grand_total amount=5743.67
""",
    "income": """
    total total=5741.50 fiscal_appropriation=5741.50 other_revenue=0.00
    201 total=4852.90 fiscal_appropriation=4852.90 other_revenue=0.00
    20103 total=4852.90 fiscal_appropriation=4852.90 other_revenue=0.00
    2010301 total=1804.52 fiscal_appropriation=1804.52
    2010302 total=2769.21 fiscal_appropriation=2769.21
    2010350 total=104.15 fiscal_appropriation=104.15 other_revenue=0.00
    2010399 total=175.02 fiscal_appropriation=175.02
    208 total=614.48 fiscal_appropriation=614.48
    20805 total=522.81 fiscal_appropriation=522.81
    2080501 total=335.17 fiscal_appropriation=335.17
    2080502 total=5.76 fiscal_appropriation=5.76
    2080505 total=171.92 fiscal_appropriation=171.92
    2080506 total=9.96 fiscal_appropriation=9.96
    20808 total=89.60 fiscal_appropriation=89.60
    2080801 total=89.60 fiscal_appropriation=89.60
    20899 total=2.07 fiscal_appropriation=2.07
    2089999 total=2.07 fiscal_appropriation=2.07
    210 total=89.37 fiscal_appropriation=89.37
    21011 total=89.37 fiscal_appropriation=89.37
    2101101 total=84.12 fiscal_appropriation=84.12
    2101102 total=5.25 fiscal_appropriation=5.25
    221 total=184.75 fiscal_appropriation=184.75
    22102 total=184.75 fiscal_appropriation=184.75
    2210201 total=184.75 fiscal_appropriation=184.75
""",
    "expenditure": """
    total total=5516.90 basic=2685.87 project=2831.03
    201 total=4669.97 basic=1846.52 project=2823.45
    20103 total=4669.97 basic=1846.52 project=2823.45
    2010301 total=1744.54 basic=1744.54
    2010302 total=2654.99 project=2654.99
    2010350 total=101.98 basic=101.98
    2010399 total=168.46 project=168.46
    208 total=572.82 basic=572.82
    20805 total=488.12 basic=488.12
    2080501 total=300.70 basic=300.70
    2080502 total=5.58 basic=5.58
    2080505 total=171.89 basic=171.89
    2080506 total=9.95 basic=9.95
    20808 total=82.67 basic=82.67
    2080801 total=82.67 basic=82.67
    20899 total=2.03 basic=2.03
    2089999 total=2.03 basic=2.03
    210 total=89.36 basic=81.78 project=7.58
    21011 total=89.36 basic=81.78 project=7.58
    2101101 total=84.11 basic=76.53 project=7.58
    2101102 total=5.25 basic=5.25
    221 total=184.75 basic=184.75
    22102 total=184.75 basic=184.75
    2210201 total=184.75 basic=184.75
""",
    "appropriation_summary": """
    inc:general_budget_appropriation amount=5741.50
    exp:#33 total=4669.91 general_budget=4669.91
    exp:#40 total=572.83 general_budget=572.83
    exp:#41 total=89.36 general_budget=89.36
    exp:#51 total=184.75 general_budget=184.75
    inc:income_total amount=5741.50
    exp:expenditure_total total=5516.84 general_budget=5516.84
    exp:carryover_end total=224.66 general_budget=224.66
    inc:grand_total amount=5741.50
    exp:grand_total total=5741.50 general_budget=5741.50
""",
    "general_budget_expenditure": """
    total total=5516.84 basic=2685.81 project=2831.03
    201 total=4669.91 basic=1846.46 project=2823.45
    20103 total=4669.91 basic=1846.46 project=2823.45
    2010301 total=1744.54 basic=1744.54
    2010302 total=2654.99 project=2654.99
    2010350 total=101.92 basic=101.92
    2010399 total=168.46 project=168.46
    208 total=572.82 basic=572.82
    20805 total=488.12 basic=488.12
    2080501 total=300.70 basic=300.70
    2080502 total=5.58 basic=5.58
    2080505 total=171.89 basic=171.89
    2080506 total=9.95 basic=9.95
    20808 total=82.67 basic=82.67
    2080801 total=82.67 basic=82.67
    20899 total=2.03 basic=2.03
    2089999 total=2.03 basic=2.03
    210 total=89.36 basic=81.78 project=7.58
    21011 total=89.36 basic=81.78 project=7.58
    2101101 total=84.11 basic=76.53 project=7.58
    2101102 total=5.25 basic=5.25
    221 total=184.75 basic=184.75
    22102 total=184.75 basic=184.75
    2210201 total=184.75 basic=184.75
""",
    "general_budget_basic_expenditure": """
    301 amount=1981.47
    302 amount=304.61
    30101 amount=491.50
    30201 amount=19.01
    30102 amount=314.70
    30202 amount=2.10
    30103 amount=539.52
    310 amount=19.14
    30107 amount=40.83
    31002 amount=19.14
    30108 amount=171.89
    30109 amount=9.95
    30207 amount=44.25
    30110 amount=54.52
    30111 amount=27.26
    30209 amount=73.46
    30112 amount=2.15
    30211 amount=23.65
    30113 amount=184.75
    30199 amount=144.40
    303 amount=380.59
    30215 amount=2.00
    30301 amount=86.90
    30302 amount=209.75
    30304 amount=82.67
    30305 amount=1.26
    30226 amount=17.02
    30227 amount=1.55
    30228 amount=15.50
    30231 amount=11.96
    30239 amount=80.29
    30299 amount=13.84
    personnel_total amount=2362.06
    public_total amount=323.75
""",
    "government_fund": """

""",
    "state_capital": """

""",
    "three_public": """
    total budget=12.00 actual=11.96
    vehicle_total budget=12.00 actual=11.96
    vehicle_operation budget=12.00 actual=11.96
""",
}


@pytest.mark.parametrize("family", sorted(EXPECTED))
def test_every_cell_of_every_table(seed_report, family):
    table = seed_report.table(family)
    assert table is not None, f"{family} not found"
    assert render(table) == parse_block(EXPECTED[family])


def test_tables_are_identified_by_title_with_their_labels_units_and_department(seed_report):
    labels = {t.family: t.label for t in seed_report.tables}
    assert labels == {
        "income_expenditure_summary": "公开01表",
        "income": "公开02表",
        "expenditure": "公开03表",
        "appropriation_summary": "公开04表",
        "general_budget_expenditure": "公开05表",
        "general_budget_basic_expenditure": "公开06表",
        "government_fund": "公开07表",
        "state_capital": "公开08表",
        "three_public": "公开09表",
    }
    assert {t.unit for t in seed_report.tables} == {"万元"}
    assert {t.department for t in seed_report.tables} == {"辽宁省数据局"}


def test_empty_fund_tables_are_present_and_empty(seed_report):
    for family in ("government_fund", "state_capital"):
        table = seed_report.table(family)
        assert table.is_empty
        assert all(c.value is None for r in table.rows for c in r.cells)


def test_blank_cells_are_null_not_zero(seed_report):
    row = seed_report.table("expenditure").row(code="2010301")
    assert row.value("basic") == 1744.54
    for column in ("project", "remittance_to_superior", "business", "subsidy_to_affiliates"):
        assert row.cell(column).status == "blank" and row.value(column) is None
    economic = seed_report.table("general_budget_basic_expenditure")
    assert economic.row(code="30106").value("amount") is None
    assert len(economic.rows) == 90  # every printed code, blank or not, plus the two totals
    summary = seed_report.table("income_expenditure_summary")
    assert len(summary.rows) == 62
    assert summary.row(item="other_revenue").value("amount") == 0.0  # printed 0.00 is a zero, not a blank


def test_codes_carry_level_and_parent(seed_report):
    table = seed_report.table("general_budget_expenditure")
    row = table.row(code="2101101")
    assert (row.level, row.parent_code, row.label) == (3, "21011", "行政单位医疗")
    assert table.row(code="21011").level == 2 and table.row(code="21011").parent_code == "210"
    assert table.row(code="210").level == 1 and table.row(code="210").parent_code is None
    economic = seed_report.table("general_budget_basic_expenditure")
    assert economic.row(code="30231").category == "public"
    assert economic.row(code="30113").category == "personnel"
    assert economic.row(code="30113").parent_code == "301"


def test_every_value_is_traced_to_file_page_and_line(seed_report):
    cell = seed_report.table("expenditure").row(code="2101101").cell("project")
    assert cell.original == "7.58"
    assert (cell.source.page, cell.source.line) == (20, 950)
    assert cell.source.file.endswith("000_c669139aa1fe8f20.txt")
    cell = seed_report.table("three_public").row(item="total").cell("actual")
    assert (cell.source.page, cell.source.line) == (26, 1299)
