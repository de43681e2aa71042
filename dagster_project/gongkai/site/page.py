"""What every page of the department profiles shares: the HTML frame, reading the warehouse, a figure with its
sources, and the reports' headline figures (fct_report_summary, a budget's from fct_budget_summary)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from gongkai.site.sources import SourceLinks

KIND_NAMES = {"final": "决算", "budget": "预算"}
STYLE = """
body{font-family:'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei',sans-serif;margin:24px;color:#222;max-width:1100px}
table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px}
th{background:#f1f4f8}td.n{text-align:right}figure{margin:16px 0}figcaption{font-size:12px;color:#555}
.fail{color:#b00}.ok{color:#070}nav a{margin-right:12px}
"""

#: fct_report_summary column ← fct_budget_summary column, for a budget's row of the headline tables
BUDGET_FIGURES = {"income_total": "income_total", "expenditure_total": "expenditure_total",
                  "basic_total": "basic_total", "project_total": "project_total",
                  "three_public_total": "three_public_budget", "agency_operating_cost": "agency_operating_cost_budget"}

Source = tuple[str, int | None]  # (file in the raw folder, page or None)


@dataclass(frozen=True)
class Figure:
    title: str
    svg: str
    sources: list[Source]  # the reports (file, page) the figure reads


def rows(con, sql: str, params: list | None = None) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params or [])
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def tables(con) -> set[str]:
    """Every ``schema.table`` (and view) of the warehouse."""
    return {f"{schema}.{name}" for schema, name in con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables").fetchall()}


def num(value: Any) -> str:
    return "–" if value is None else f"{value:,.2f}"


def html_page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{STYLE}</style></head><body>\n{body}\n</body></html>\n")


def sources_of(found: list[dict[str, Any]], file: str = "file", page: str = "page") -> list[Source]:
    """The distinct (file, page) of rows, in order."""
    return sorted({(r[file], r.get(page)) for r in found if r.get(file)}, key=lambda s: (s[0], s[1] or 0))


#: A figure reading more pages of one file than this cites them as one range, linked at its first page.
PAGES_LISTED = 3


def sources_html(sources: list[Source], links: SourceLinks) -> str:
    """Each file's pages as links; many pages of one file as ``file pp. 30–143`` opening the first."""
    pages: dict[str, list[int]] = {}
    for file, page in sources:
        pages.setdefault(file, [])
        if page:
            pages[file].append(page)
    cited = []
    for file, found in pages.items():
        found = sorted(set(found))
        if len(found) > PAGES_LISTED:
            cited.append(links.link(file, found[0], f"{file} pp. {found[0]}–{found[-1]}"))
        else:
            cited += [links.link(file, page) for page in found] or [links.link(file)]
    return "; ".join(cited) or "–"


def figure_html(figure: Figure, links: SourceLinks) -> str:
    where = sources_html(figure.sources, links)
    return (f"<figure><h3>{escape(figure.title)}</h3>{figure.svg}"
            f"<figcaption>Source: {where}</figcaption></figure>")


def summaries(con, department_id: str | None = None, present: set[str] | None = None) -> list[dict[str, Any]]:
    """The preferred reports (fct_report_summary) by year and kind, a budget's figures from fct_budget_summary; one
    department's, or every department's. ``present``: the warehouse's tables, if known."""
    where, params = ("WHERE department_id = ?", [department_id]) if department_id else ("", [])
    found = rows(con, f"SELECT * FROM marts.fct_report_summary {where} ORDER BY year, kind, department", params)
    if "marts.fct_budget_summary" in (tables(con) if present is None else present):
        budgets = {r["report_id"]: r for r in rows(con, f"SELECT * FROM marts.fct_budget_summary {where}", params)}
        for row in found:
            budget = budgets.get(row["report_id"])
            if budget is not None:
                row.update({column: budget.get(source) for column, source in BUDGET_FIGURES.items()})
    return found


def check_status(row: dict[str, Any]) -> str:
    """A report's own checks: pass / fail / not run, red when one fails."""
    fails = row.get("reconciliation_fails") or 0
    return (f'<span class="{"fail" if fails else "ok"}">{row.get("reconciliation_passes") or 0} / {fails} / '
            f'{row.get("reconciliation_not_run") or 0}</span>')
