"""Table arithmetic (表内及表间勾稽关系): each accounting identity of the report's tables that its printed figures
break — a 合计 that is not the sum of its lines, a 类 not the sum of its 款, a 合计 column not the sum of its columns,
the same total printed differently in two tables, a self-evaluation form's 执行率 or 总分 that its own figures do not
give — is a finding on the row that prints it, with what the identity gives and what the table prints.

The narrative checks of the reconciliation are the narrative rules' (narrative_numbers, stated_amounts); a stated
execution rate that agrees with the form's own figures is not blamed on the narrative where the form's printed rate
is the slip (the form's finding says it). A rate a form prints off by under 0.05 points is rounding (nothing), under
0.3 points worth a look (info), as for the narrative's stated percentages.
"""

from __future__ import annotations

import re

from gongkai.extract.records import CHECK_FAIL, Check, Report, Table
from gongkai.review.findings import INFO, WARNING, Finding
from gongkai.review.prose import LineText

_CATEGORIES = ("table", "cross_table", "performance")
_RATE_ROUNDING = 0.05  # percentage points
_RATE_INFO = 0.3
_OVERFLOW = 2
_AMOUNTS = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+\.\d+")
#: What each kind of identity says (the check name's second part, or its first for cross-table and form checks).
_IDENTITIES = {
    "children": "上级科目应等于其下级科目之和",
    "row_total": "合计栏应等于其各栏之和",
    "rows": "合计行应等于各行之和",
    "balanced": "收入总计应等于支出总计",
    "income_lines": "收入合计应等于各项收入之和",
    "expenditure_lines": "支出合计应等于各项支出之和",
    "income_grand_total": "收入总计应等于本年收入合计与结转结余之和",
    "expenditure_grand_total": "支出总计应等于本年支出合计与年末结转结余之和",
    "expenditure_uses": "支出合计应等于基本支出与项目支出之和",
    "basic_split": "基本支出应等于人员经费与公用经费之和",
    "categories": "采购合计应等于货物、工程、服务之和",
    "personnel_total": "人员经费合计应等于其各项之和",
    "public_total": "公用经费合计应等于其各项之和",
    "cross": "同一金额在两张表中应一致",
    "execution_rate": "执行率应等于全年执行数除以全年预算数",
    "total_score": "总分应等于各项得分之和",
    "subtotal": "指标得分小计应等于各指标得分之和",
    "unit_total_score": "总分应等于各项得分之和",
    "scores_within_weights": "指标得分不应超过其分值",
}


def review(report: Report | None, line_text: LineText) -> list[Finding]:
    """A finding for every failed identity of the tables and self-evaluation forms (not the narrative's), unless
    the row was read from a folded header (then the failure may be the reading's)."""
    if report is None:
        return []
    findings = []
    for check in report.checks:
        if check.category not in _CATEGORIES or check.status != CHECK_FAIL or check.source is None:
            continue
        severity = _severity(check)
        where = _table_of(report, check)
        if severity is None \
                or (where is not None and _row_overflows(line_text(check.source.page, check.source.line), where)):
            continue
        findings.append(Finding("table_arithmetic", severity, check.source.page, check.source.line,
                                line_text(check.source.page, check.source.line), _expected(report, check)))
    return findings


def misprinted_rates(report: Report | None) -> dict[str, float]:
    """The projects (by their check subject) whose form prints an execution rate its own figures do not give: the
    rate the figures give."""
    if report is None:
        return {}
    prefix = "performance.execution_rate."
    return {check.name.removeprefix(prefix): check.expected for check in report.checks
            if check.name.startswith(prefix) and check.status == CHECK_FAIL and check.expected is not None
            and _severity(check) is not None}


def _severity(check: Check) -> str | None:
    """A misprinted rate off by less than rounding is nothing, by a little info; any other broken identity a
    defect."""
    if not check.name.startswith("performance.execution_rate.") or check.difference is None:
        return WARNING
    off = abs(check.difference)
    return None if off < _RATE_ROUNDING else INFO if off < _RATE_INFO else WARNING


_COLUMNS = {"total": "合计", "basic": "基本支出", "project": "项目支出", "personnel": "人员经费", "public": "公用经费",
            "budget": "预算数", "actual": "决算数", "prior_year_budget": "上年预算数", "income": "收入",
            "fiscal_appropriation": "财政拨款", "other_revenue": "其他收入", "business": "经营支出"}


def _identity(name: str) -> str:
    """What the identity says, with the column it was checked in (…之和（项目支出栏）)."""
    parts = name.split(".")
    said = next((_IDENTITIES[part] for part in parts[:2] if part in _IDENTITIES), "表内勾稽关系应成立")
    column = _COLUMNS.get(parts[-1]) if parts[1] == "children" and len(parts) == 4 else None
    return f"{said}（{column}栏）" if column else said


def _row_overflows(text: str, table: Table) -> bool:
    """A row printing more than twice as many amounts as the table has columns was read from a header the parser
    folded (上年 | 当年 | 增减, each with its sub-columns): its identities say nothing about the report. A few columns
    past those read (其中 columns at the right) leave the read ones right."""
    return len(_AMOUNTS.findall(text)) > _OVERFLOW * len(table.columns)


def _expected(report: Report, check: Check) -> str:
    where = _table_of(report, check)
    place = f"“{where.title}”（第{where.source.page}页）" if where is not None else ""
    printed, computed = (check.actual, check.expected) if ".execution_rate." in check.name \
        else (check.expected, check.actual)
    if check.name.startswith("performance.scores_within_weights."):
        return f"{_identity(check.name)}：{check.detail}"
    if check.category == "cross_table":
        return f"{_identity(check.name)}：一表为 {printed:,.2f}万元，另一表为 {computed:,.2f}万元"
    if check.category == "performance":
        unit = "%" if ".execution_rate." in check.name else "分"
        return f"{_identity(check.name)}：表中为 {_plain(printed)}{unit}，由表中各数算出 {_plain(computed)}{unit}"
    scale, unit = (10000.0, "元") if where is not None and where.unit == "元" else (1.0, "万元")
    return (f"{place}{_identity(check.name)}：表中为 {printed * scale:,.2f}{unit}，"
            f"由各项算出 {computed * scale:,.2f}{unit}")


def _table_of(report: Report, check: Check) -> Table | None:
    """The table of the check's family printed at or before the check's page (a self-evaluation form: none)."""
    family = check.name.split(".")[0]
    families = {family, f"budget_{family}"} if report.kind == "budget" else {family}
    candidates = [t for t in report.tables if t.family in families and t.source.page <= check.source.page]
    return max(candidates, key=lambda t: t.source.page) if candidates else None


def _plain(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}".rstrip("0").rstrip(".")
