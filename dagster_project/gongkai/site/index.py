"""The index of the department profiles: every department with reports, then one table per year comparing them —
the final's 本年支出合计 and the budget's side by side (with ranks and, where both are loaded, final / budget), 三公,
机关运行经费, SME share, mean project score and failed checks — and a chart of 本年支出合计 by year."""

from __future__ import annotations

from collections import defaultdict
from html import escape
from typing import Any

from gongkai.site.charts import bar_chart
from gongkai.site.page import Figure, figure_html, html_page, num
from gongkai.site.sources import SourceLinks

YEAR_COLUMNS = ("<tr><th>department</th><th>决算 本年支出合计</th><th>rank</th><th>预算 本年支出合计</th><th>rank</th>"
                "<th>决算 / 预算 %</th><th>“三公”经费 决算</th><th>“三公”经费 预算</th><th>机关运行经费</th>"
                "<th>中小企业份额 %</th><th>项目自评均分</th><th>failed checks</th><th>reports</th></tr>")


def _ranked(found: list[dict[str, Any]]) -> dict[str, int]:
    """department_id → rank of its 本年支出合计 (1 = the largest); departments without one have no rank."""
    values = sorted({r["expenditure_total"] for r in found if r["expenditure_total"] is not None}, reverse=True)
    return {r["department_id"]: values.index(r["expenditure_total"]) + 1
            for r in found if r["expenditure_total"] is not None}


def _execution(final: dict[str, Any] | None, budget: dict[str, Any] | None) -> float | None:
    if not final or not budget or final["expenditure_total"] is None or not budget["expenditure_total"]:
        return None
    return round(final["expenditure_total"] / budget["expenditure_total"] * 100, 2)


def _value(row: dict[str, Any] | None, column: str) -> str:
    return num(row.get(column)) if row else "–"


def _year_table(year: int, found: list[dict[str, Any]], names: dict[str, str], links: SourceLinks) -> str:
    finals = {r["department_id"]: r for r in found if r["kind"] == "final"}
    budgets = {r["department_id"]: r for r in found if r["kind"] == "budget"}
    final_ranks, budget_ranks = _ranked(list(finals.values())), _ranked(list(budgets.values()))
    order = sorted(set(finals) | set(budgets), key=lambda d: (final_ranks.get(d, 10**6), budget_ranks.get(d, 10**6),
                                                              names.get(d, d)))
    body = [f"<h2>{year}</h2><table>{YEAR_COLUMNS}"]
    for department_id in order:
        final, budget = finals.get(department_id), budgets.get(department_id)
        either = final or budget
        fails = sum((r.get("reconciliation_fails") or 0) for r in (final, budget) if r)
        reports = " ".join(links.link(r["path"]) for r in (final, budget) if r)
        body.append(
            f'<tr><td><a href="dept-{department_id}.html">{escape(names.get(department_id, either["department"]))}'
            f"</a></td><td class=n>{_value(final, 'expenditure_total')}</td>"
            f"<td class=n>{final_ranks.get(department_id, '–')}</td><td class=n>{_value(budget, 'expenditure_total')}"
            f"</td><td class=n>{budget_ranks.get(department_id, '–')}</td>"
            f"<td class=n>{num(_execution(final, budget))}</td><td class=n>{_value(final, 'three_public_total')}</td>"
            f"<td class=n>{_value(budget, 'three_public_total')}</td>"
            f"<td class=n>{_value(final, 'agency_operating_cost')}</td><td class=n>{_value(final, 'sme_share_pct')}</td>"
            f"<td class=n>{_value(final, 'mean_project_score')}</td>"
            f"<td class='n {'fail' if fails else 'ok'}'>{fails}</td><td>{reports}</td></tr>")
    body.append("</table>")
    return "\n".join(body)


def index_page(found: list[dict[str, Any]], departments: list[dict[str, Any]], links: SourceLinks) -> str:
    """The index from every report's headline figures (gongkai.site.page.summaries)."""
    names = {d["department_id"]: d["canonical_name"] for d in departments}
    by_year: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in found:
        by_year[r["year"]].append(r)
    body = ["<h1>Department profiles 部门画像</h1>",
            f"<p>{len(departments)} departments with reports. Amounts in 万元; rank 1 = the largest of the year; "
            "决算 = final accounts, 预算 = budget; failed checks = the report's own figures that disagree.</p>",
            "<table><tr><th>department</th><th>region</th><th>reports</th><th>years</th></tr>"]
    for d in departments:
        body.append(f'<tr><td><a href="dept-{d["department_id"]}.html">{escape(d["canonical_name"])}</a></td>'
                    f"<td>{escape(d.get('region') or '')}</td><td class=n>{d.get('report_count') or 0}</td>"
                    f"<td>{d.get('first_year') or ''}–{d.get('last_year') or ''}</td></tr>")
    body.append("</table>")
    body += [_year_table(year, by_year[year], names, links) for year in sorted(by_year, reverse=True)]
    finals = [r for r in found if r["kind"] == "final" and r["expenditure_total"] is not None]
    years = sorted({r["year"] for r in finals})
    if len(years) > 1:
        totals = {(r["department_id"], r["year"]): r["expenditure_total"] for r in finals}
        most = sorted({r["department_id"] for r in finals}, key=lambda d: (-sum(k[0] == d for k in totals), names.get(d, d)))
        series = [(names.get(d, d), [totals.get((d, y)) for y in years]) for d in most[:8]]
        body.append(figure_html(Figure("决算 本年支出合计 by year", bar_chart(
            "expenditure by year", [str(y) for y in years], series), []), links))
    return html_page("Department profiles", "\n".join(body))
