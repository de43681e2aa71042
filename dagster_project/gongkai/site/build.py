"""Department profiles: a static site read from the published warehouse, opened from disk with no network.

``index.html`` compares the departments year by year (one table per year: expenditure, 三公, SME share, project
scores, with ranks); ``dept-<department_id>.html`` is one department: expenditure by function class (类) over the
years, basic vs project, 三公 budget vs actual, 机关运行经费, procurement and SME share, project self-evaluation scores,
budget vs final where both exist — each figure with the report it comes from (file, page) and its check status.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from gongkai.site.charts import bar_chart, line_chart

KIND_NAMES = {"final": "决算", "budget": "预算"}
STYLE = """
body{font-family:'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei',sans-serif;margin:24px;color:#222;max-width:1100px}
table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px}
th{background:#f1f4f8}td.n{text-align:right}figure{margin:16px 0}figcaption{font-size:12px;color:#555}
.fail{color:#b00}.ok{color:#070}nav a{margin-right:12px}
"""


@dataclass(frozen=True)
class Figure:
    title: str
    svg: str
    sources: list[str]  # "file p. N" per report the figure reads


def _rows(con, sql: str, params: list | None = None) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params or [])
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def _has(con, table: str) -> bool:
    schema, name = table.split(".")
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND "
                            "table_name = ?", [schema, name]).fetchone()[0])


def _num(value: Any) -> str:
    return "–" if value is None else f"{value:,.2f}"


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{STYLE}</style></head><body>\n{body}\n</body></html>\n")


def _sources(rows: list[dict[str, Any]]) -> list[str]:
    return sorted({f"{r['file']} p. {r['page']}" for r in rows if r.get("file")})


def _figure_html(figure: Figure) -> str:
    where = "; ".join(figure.sources) or "–"
    return (f"<figure><h3>{escape(figure.title)}</h3>{figure.svg}"
            f"<figcaption>Source: {escape(where)}</figcaption></figure>")


# --- one department ----------------------------------------------------------------------------------------------

#: fct_report_summary column ← fct_budget_summary column, for a budget's row of the headline table
BUDGET_FIGURES = {"income_total": "income_total", "expenditure_total": "expenditure_total",
                  "basic_total": "basic_total", "project_total": "project_total",
                  "three_public_total": "three_public_budget", "agency_operating_cost": "agency_operating_cost_budget"}


def _summary(con, department_id: str) -> list[dict[str, Any]]:
    """The department's reports (fct_report_summary), a budget's figures from fct_budget_summary."""
    rows = _rows(con, "SELECT * FROM marts.fct_report_summary WHERE department_id = ? ORDER BY year, kind",
                 [department_id])
    if _has(con, "marts.fct_budget_summary"):
        budgets = {r["report_id"]: r for r in _rows(
            con, "SELECT * FROM marts.fct_budget_summary WHERE department_id = ?", [department_id])}
        for row in rows:
            budget = budgets.get(row["report_id"])
            if budget is not None:
                row.update({column: budget.get(source) for column, source in BUDGET_FIGURES.items()})
    return rows


def _function_classes(con, department_id: str) -> Figure | None:
    rows = _rows(con, "SELECT year, function_code, function_name, total, file, page FROM "
                      "marts.fct_expenditure_by_function WHERE department_id = ? AND kind = 'final' AND level = 1 "
                      "AND scope = 'all_funds' ORDER BY year, function_code", [department_id])
    if not rows:
        return None
    years = sorted({r["year"] for r in rows})
    names = {r["function_code"]: r["function_name"] or r["function_code"] for r in rows}
    by = {(r["function_code"], r["year"]): r["total"] for r in rows}
    series = [(f"{code} {names[code]}", [by.get((code, y)) for y in years]) for code in sorted(names)]
    return Figure("支出功能分类（类）— expenditure by function class", bar_chart(
        "expenditure by function class", [str(y) for y in years], series), _sources(rows))


def _basic_project(summary: list[dict[str, Any]]) -> Figure | None:
    finals = [r for r in summary if r["kind"] == "final" and (r["basic_total"] or r["project_total"])]
    if not finals:
        return None
    return Figure("基本支出与项目支出 — basic vs project expenditure", bar_chart(
        "basic vs project", [str(r["year"]) for r in finals],
        [("基本支出", [r["basic_total"] for r in finals]), ("项目支出", [r["project_total"] for r in finals])]),
        sorted({r["path"] for r in finals}))


def _three_public(con, department_id: str) -> Figure | None:
    rows = _rows(con, "SELECT year, budget, actual, file, page FROM marts.fct_three_public WHERE department_id = ? "
                      "AND kind = 'final' AND item = 'total' ORDER BY year", [department_id])
    if not rows:
        return None
    return Figure("“三公”经费 预算与决算 — three-public budget vs actual", bar_chart(
        "three-public budget vs actual", [str(r["year"]) for r in rows],
        [("预算数", [r["budget"] for r in rows]), ("决算数", [r["actual"] for r in rows])]), _sources(rows))


def _operating_cost(summary: list[dict[str, Any]]) -> Figure | None:
    rows = [r for r in summary if r["kind"] == "final" and r["agency_operating_cost"] is not None]
    if not rows:
        return None
    return Figure("机关运行经费 — agency operating cost", line_chart(
        "agency operating cost", [str(r["year"]) for r in rows],
        [("机关运行经费", [r["agency_operating_cost"] for r in rows])]), sorted({r["path"] for r in rows}))


def _procurement(con, department_id: str) -> Figure | None:
    rows = _rows(con, "SELECT year, total, sme_amount, sme_share_pct, file, page FROM marts.fct_procurement "
                      "WHERE department_id = ? AND kind = 'final' ORDER BY year", [department_id])
    rows = [r for r in rows if r["total"] is not None]
    if not rows:
        return None
    shares = ", ".join(f"{r['year']}: {_num(r['sme_share_pct'])}%" for r in rows)
    return Figure(f"政府采购与中小企业 — procurement and SME amount (SME share {shares})", bar_chart(
        "procurement", [str(r["year"]) for r in rows],
        [("采购总额", [r["total"] for r in rows]), ("授予中小企业", [r["sme_amount"] for r in rows])]),
        _sources(rows))


def _budget_vs_final(con, department_id: str) -> Figure | None:
    if not _has(con, "marts.fct_budget_vs_final"):
        return None
    rows = _rows(con, "SELECT year, budget, final, basis FROM marts.fct_budget_vs_final WHERE department_id = ? "
                      "AND scope = 'all_funds' AND line = 'expenditure_total' AND budget IS NOT NULL "
                      "AND final IS NOT NULL ORDER BY year", [department_id])
    if not rows:
        return None
    return Figure("预算与决算 — budget vs final (expenditure)", bar_chart(
        "budget vs final", [str(r["year"]) for r in rows],
        [("预算", [r["budget"] for r in rows]), ("决算", [r["final"] for r in rows])]), [])


def _headline_table(summary: list[dict[str, Any]]) -> str:
    head = ("<tr><th>year</th><th>kind</th><th>本年收入合计</th><th>本年支出合计</th><th>基本支出</th><th>项目支出</th>"
            "<th>“三公”经费</th><th>机关运行经费</th><th>中小企业份额 %</th><th>项目自评均分</th>"
            "<th>checks (pass / fail / not run)</th><th>report</th></tr>")
    body = []
    for r in summary:
        fails = r.get("reconciliation_fails") or 0
        status = (f'<span class="{"fail" if fails else "ok"}">{r.get("reconciliation_passes") or 0} / {fails} / '
                  f'{r.get("reconciliation_not_run") or 0}</span>')
        body.append(
            f"<tr><td>{r['year']}</td><td>{KIND_NAMES.get(r['kind'], r['kind'])}</td>"
            + "".join(f'<td class="n">{_num(r.get(c))}</td>' for c in (
                "income_total", "expenditure_total", "basic_total", "project_total", "three_public_total",
                "agency_operating_cost", "sme_share_pct", "mean_project_score"))
            + f"<td>{status}</td><td>{escape(r['path'] or '')}</td></tr>")
    return f"<table>{head}{''.join(body)}</table>"


def _projects_table(con, department_id: str) -> str:
    rows = _rows(con, "SELECT year, project_name, budget, actual, execution_rate_pct, total_score, file, page FROM "
                      "marts.fct_project_performance WHERE department_id = ? ORDER BY year, project_index",
                 [department_id])
    if not rows:
        return "<p>No project self-evaluations (项目绩效自评) in the reports.</p>"
    lines = ["<table><tr><th>year</th><th>project 项目</th><th>budget</th><th>actual</th><th>execution %</th>"
             "<th>score 得分</th><th>source</th></tr>"]
    for r in rows:
        lines.append(f"<tr><td>{r['year']}</td><td>{escape(r['project_name'])}</td><td class=n>{_num(r['budget'])}"
                     f"</td><td class=n>{_num(r['actual'])}</td><td class=n>{_num(r['execution_rate_pct'])}</td>"
                     f"<td class=n>{_num(r['total_score'])}</td><td>{escape(r['file'])} p. {r['page']}</td></tr>")
    return "\n".join(lines) + "</table>"


def _failed_checks(con, department_id: str) -> str:
    if not _has(con, "quality.report_check_failures"):
        return ""
    rows = _rows(con, "SELECT year, kind, check_name, expected, actual, file, page FROM "
                      "quality.report_check_failures WHERE department_id = ? ORDER BY year, kind, check_name",
                 [department_id])
    if not rows:
        return "<p class=ok>Every check of these reports passes.</p>"
    lines = [f"<p class=fail>{len(rows)} failed checks (the report's own figures disagree):</p><table><tr>"
             "<th>year</th><th>kind</th><th>check</th><th>expected</th><th>actual</th><th>source</th></tr>"]
    for r in rows:
        lines.append(f"<tr><td>{r['year']}</td><td>{KIND_NAMES.get(r['kind'], r['kind'])}</td>"
                     f"<td>{escape(r['check_name'])}</td><td class=n>{_num(r['expected'])}</td>"
                     f"<td class=n>{_num(r['actual'])}</td><td>{escape(r['file'] or '')} p. {r['page'] or '–'}</td></tr>")
    return "\n".join(lines) + "</table>"


def department_page(con, department: dict[str, Any]) -> str:
    department_id = department["department_id"]
    summary = _summary(con, department_id)
    figures = [f for f in (_function_classes(con, department_id), _basic_project(summary),
                           _three_public(con, department_id), _operating_cost(summary),
                           _procurement(con, department_id), _budget_vs_final(con, department_id)) if f]
    name = department["canonical_name"]
    body = [f'<nav><a href="index.html">← all departments</a></nav><h1>{escape(name)}</h1>',
            f"<p>{escape(department.get('region') or '')} {escape(department.get('level') or '')} · amounts in 万元</p>",
            "<h2>Reports</h2>", _headline_table(summary), "<h2>Figures</h2>",
            *[_figure_html(f) for f in figures], "<h2>项目绩效自评 — project self-evaluations</h2>",
            _projects_table(con, department_id), "<h2>Checks</h2>", _failed_checks(con, department_id)]
    return _page(name, "\n".join(body))


# --- the index ---------------------------------------------------------------------------------------------------

def _ranked(rows: list[dict[str, Any]], column: str) -> dict[str, int]:
    values = sorted({r[column] for r in rows if r[column] is not None}, reverse=True)
    return {r["department_id"]: values.index(r[column]) + 1 for r in rows if r[column] is not None}


def index_page(con, departments: list[dict[str, Any]]) -> str:
    rows = _rows(con, "SELECT * FROM marts.fct_report_summary WHERE kind = 'final' ORDER BY year DESC, department")
    by_year: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_year[r["year"]].append(r)
    body = ["<h1>Department profiles 部门画像</h1>",
            f"<p>{len(departments)} departments with reports. Amounts in 万元; rank 1 = the largest of the year.</p>",
            "<table><tr><th>department</th><th>region</th><th>reports</th><th>years</th></tr>"]
    for d in departments:
        body.append(f'<tr><td><a href="dept-{d["department_id"]}.html">{escape(d["canonical_name"])}</a></td>'
                    f"<td>{escape(d.get('region') or '')}</td><td class=n>{d.get('report_count') or 0}</td>"
                    f"<td>{d.get('first_year') or ''}–{d.get('last_year') or ''}</td></tr>")
    body.append("</table>")
    for year in sorted(by_year, reverse=True):
        found = by_year[year]
        ranks = _ranked(found, "expenditure_total")
        body.append(f"<h2>{year} 决算</h2><table><tr><th>department</th><th>本年支出合计</th><th>rank</th>"
                    "<th>“三公”经费</th><th>机关运行经费</th><th>中小企业份额 %</th><th>项目自评均分</th>"
                    "<th>failed checks</th></tr>")
        for r in sorted(found, key=lambda r: ranks.get(r["department_id"], 10**6)):
            body.append(f'<tr><td><a href="dept-{r["department_id"]}.html">{escape(r["department"])}</a></td>'
                        f"<td class=n>{_num(r['expenditure_total'])}</td>"
                        f"<td class=n>{ranks.get(r['department_id'], '–')}</td>"
                        + "".join(f"<td class=n>{_num(r[c])}</td>" for c in (
                            "three_public_total", "agency_operating_cost", "sme_share_pct", "mean_project_score"))
                        + f"<td class=n>{r['reconciliation_fails'] or 0}</td></tr>")
        body.append("</table>")
    years = sorted(by_year)
    top = sorted(departments, key=lambda d: -(d.get("report_count") or 0))[:8]
    if len(years) > 1 and top:
        totals = {(r["department_id"], r["year"]): r["expenditure_total"] for r in rows}
        series = [(d["canonical_name"], [totals.get((d["department_id"], y)) for y in years]) for d in top]
        body.append(_figure_html(Figure("本年支出合计 by year", bar_chart(
            "expenditure by year", [str(y) for y in years], series), [])))
    return _page("Department profiles", "\n".join(body))


def build_site(con, out: Path) -> list[Path]:
    """Write index.html and one page per department with reports into ``out``; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    departments = _rows(con, "SELECT * FROM marts.dim_department WHERE department_id IN "
                             "(SELECT department_id FROM marts.fct_report_summary) ORDER BY canonical_name")
    written = []
    for department in departments:
        path = out / f"dept-{department['department_id']}.html"
        path.write_text(department_page(con, department), encoding="utf-8")
        written.append(path)
    index = out / "index.html"
    index.write_text(index_page(con, departments), encoding="utf-8")
    return [index, *written]
