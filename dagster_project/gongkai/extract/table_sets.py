"""Which set of tables (表式) a report follows, and how many tables that set holds.

Recognised by the tables' titles, never by the file: the university set (高等学校收支决算总表 …, 4 tables), the central
ministries' set (6th table 一般公共预算财政拨款基本支出决算**明细**表) and the national set of 8 or 9 tables (9 with a
国有资本经营 table). The expected count is the set's size, or the highest table number printed (表8, 公开09表, 九、)
where that is larger.
"""

from __future__ import annotations

from gongkai.extract.pattern_cache import compiled
from gongkai.extract.records import Report

_NUMERALS = {c: n for n, c in enumerate("一二三四五六七八九十", start=1)}
_LABEL_NUMBER = compiled(r"(\d{1,2})|([一二三四五六七八九十]{1,3})")


def label_number(label: str | None) -> int | None:
    """The number a table label prints: 表8 → 8, 公开09表 → 9, 九、 → 9, 表十一 → 11."""
    found = _LABEL_NUMBER.search(label or "")
    if not found:
        return None
    if found.group(1):
        return int(found.group(1))
    chinese = found.group(2)
    if chinese.startswith("十"):
        return 10 + _NUMERALS.get(chinese[1:], 0) if len(chinese) > 1 else 10
    if "十" in chinese:
        tens, _, units = chinese.partition("十")
        return _NUMERALS[tens] * 10 + _NUMERALS.get(units, 0)
    return _NUMERALS[chinese]


EXPECTED_FAMILIES = {  # the tables a final of each set must hold (empty ones count: they are printed)
    "national": ("income_expenditure_summary", "income", "expenditure", "appropriation_summary",
                 "general_budget_expenditure", "general_budget_basic_expenditure", "three_public"),
    "university": ("income_expenditure_summary", "income", "expenditure", "appropriation_expenditure"),
}
EXPECTED_FAMILIES["central"] = EXPECTED_FAMILIES["national"]


def table_set(report: Report) -> tuple[str, int]:
    """(set name, tables expected) of a report: university | central | national, or budget (部门预算)."""
    return table_set_of(report.kind, [(t.family, t.title, t.label) for t in report.tables])


def table_set_of(kind: str | None, tables: list[tuple[str, str | None, str | None]]) -> tuple[str, int]:
    """:func:`table_set` from the tables' (family, title, label) — e.g. the rows of raw.report_tables."""
    families = {family for family, _, _ in tables}
    if kind == "budget":  # the national budget set: 8 tables, 9 with 国有资本经营 (Jiangsu prints 12)
        name, size = "budget", 9 if "budget_state_capital" in families else 8
    elif any("高等学校" in (title or "") for _, title, _ in tables):
        name, size = "university", 4
    elif any(family == "general_budget_basic_expenditure" and "明细" in (title or "") for family, title, _ in tables):
        name, size = "central", 9
    else:
        name, size = "national", 9 if "state_capital" in families else 8
    printed = [n for _, _, label in tables if (n := label_number(label)) is not None]
    return name, max([size, *printed, len(families)])  # a set never expects fewer tables than it shows
