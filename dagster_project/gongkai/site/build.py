"""Department profiles: a static site read from the published warehouse, opened from disk with no network.

``index.html`` compares the departments year by year (gongkai.site.index); ``dept-<department_id>.html`` is one
department: expenditure by function class (类) over the years, basic vs project, 三公 budget vs actual, 机关运行经费,
procurement and SME share, budget vs final, project self-evaluation scores — each figure with links to the report
pages it reads (gongkai.site.sources) and each report's check status.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from gongkai.site.charts import bar_chart, line_chart, score_chart
from gongkai.site.index import index_page
from gongkai.site.kept import Record, context_of, inputs_digest, read_record, write_page, write_record
from gongkai.site.page import (
    KIND_NAMES,
    Figure,
    check_status,
    figure_html,
    html_page,
    num,
    rows,
    sources_of,
    summaries,
    tables,
)

from gongkai.site.sources import SourceLinks

Rows = list[dict[str, Any]]


def _function_classes(found: Rows) -> Figure | None:
    if not found:
        return None
    years = sorted({r["year"] for r in found})
    names = {r["function_code"]: r["function_name"] or r["function_code"] for r in found}
    by = {(r["function_code"], r["year"]): r["total"] for r in found}
    series = [(f"{code} {names[code]}", [by.get((code, y)) for y in years]) for code in sorted(names)]
    return Figure("支出功能分类（类）— expenditure by function class", bar_chart(
        "expenditure by function class", [str(y) for y in years], series), sources_of(found))


def _basic_project(summary: list[dict[str, Any]]) -> Figure | None:
    finals = [r for r in summary if r["kind"] == "final" and (r["basic_total"] or r["project_total"])]
    if not finals:
        return None
    return Figure("基本支出与项目支出 — basic vs project expenditure", bar_chart(
        "basic vs project", [str(r["year"]) for r in finals],
        [("基本支出", [r["basic_total"] for r in finals]), ("项目支出", [r["project_total"] for r in finals])]),
        sources_of(finals, file="path"))


def _three_public(found: Rows) -> Figure | None:
    if not found:
        return None
    return Figure("“三公”经费 预算与决算 — three-public budget vs actual", bar_chart(
        "three-public budget vs actual", [str(r["year"]) for r in found],
        [("预算数", [r["budget"] for r in found]), ("决算数", [r["actual"] for r in found])]), sources_of(found))


def _operating_cost(summary: list[dict[str, Any]]) -> Figure | None:
    found = [r for r in summary if r["kind"] == "final" and r["agency_operating_cost"] is not None]
    if not found:
        return None
    return Figure("机关运行经费 — agency operating cost", line_chart(
        "agency operating cost", [str(r["year"]) for r in found],
        [("机关运行经费", [r["agency_operating_cost"] for r in found])]), sources_of(found, file="path"))


def _procurement(found: Rows) -> Figure | None:
    found = [r for r in found if r["total"] is not None]
    if not found:
        return None
    shares = ", ".join(f"{r['year']}: {num(r['sme_share_pct'])}%" for r in found)
    return Figure(f"政府采购与中小企业 — procurement and SME amount (SME share {shares})", bar_chart(
        "procurement", [str(r["year"]) for r in found],
        [("采购总额", [r["total"] for r in found]), ("授予中小企业", [r["sme_amount"] for r in found])]),
        sources_of(found))


def _budget_vs_final(found: Rows) -> Figure | None:
    """本年支出合计 of the budget and of the final of each year where one of them prints it."""
    if not found:
        return None
    files = sources_of(found, file="budget_file") + sources_of(found, file="final_file")
    return Figure("预算与决算 — budget vs final (本年支出合计)", bar_chart(
        "budget vs final", [str(r["year"]) for r in found],
        [("预算", [r["budget"] for r in found]), ("决算", [r["final"] for r in found])]), files)


#: Up to this many scored projects get a bar each; more are counted by score band.
PROJECTS_DRAWN = 20
SCORE_BANDS = ((90, "90–100"), (80, "80–89"), (70, "70–79"), (60, "60–69"), (0, "< 60"))


def _score_band(score: float) -> str:
    return next(name for low, name in SCORE_BANDS if score >= low)


def _project_scores(found: Rows) -> Figure | None:
    """项目绩效自评: each project's total score (0–100) as the department scored it; many projects as the number of
    projects per score band and year."""
    scored = [r for r in found if r["total_score"] is not None]
    if not scored:
        return None
    title = "项目绩效自评得分 — project self-evaluation scores"
    if len(found) <= PROJECTS_DRAWN:
        return Figure(title, score_chart("project self-evaluation scores",
                                         [f"{r['year']} {r['project_name']}" for r in found],
                                         [r["total_score"] for r in found]), sources_of(found))
    years = sorted({r["year"] for r in scored})
    bands = [name for _, name in SCORE_BANDS]
    counts = [(str(year), [sum(1 for r in scored if r["year"] == year and _score_band(r["total_score"]) == band)
                           for band in bands]) for year in years]
    return Figure(f"{title} ({len(scored)} projects by score band)", bar_chart(
        "projects by score band", bands, counts, unit="项目数 projects"), sources_of(found))


def _headline_table(summary: list[dict[str, Any]], links: SourceLinks) -> str:
    head = ("<tr><th>year</th><th>kind</th><th>本年收入合计</th><th>本年支出合计</th><th>基本支出</th><th>项目支出</th>"
            "<th>“三公”经费</th><th>机关运行经费</th><th>中小企业份额 %</th><th>项目自评均分</th>"
            "<th>checks (pass / fail / not run)</th><th>report</th></tr>")
    body = []
    for r in summary:
        body.append(
            f"<tr><td>{r['year']}</td><td>{KIND_NAMES.get(r['kind'], r['kind'])}</td>"
            + "".join(f'<td class="n">{num(r.get(c))}</td>' for c in (
                "income_total", "expenditure_total", "basic_total", "project_total", "three_public_total",
                "agency_operating_cost", "sme_share_pct", "mean_project_score"))
            + f"<td>{check_status(r)}</td><td>{links.link(r['path'])}</td></tr>")
    return f"<table>{head}{''.join(body)}</table>"


def _projects_table(found: Rows, links: SourceLinks) -> str:
    if not found:
        return "<p>No project self-evaluations (项目绩效自评) in the reports.</p>"
    lines = ["<table><tr><th>year</th><th>project 项目</th><th>budget</th><th>actual</th><th>execution %</th>"
             "<th>score 得分</th><th>source</th></tr>"]
    for r in found:
        lines.append(f"<tr><td>{r['year']}</td><td>{escape(r['project_name'])}</td><td class=n>{num(r['budget'])}"
                     f"</td><td class=n>{num(r['actual'])}</td><td class=n>{num(r['execution_rate_pct'])}</td>"
                     f"<td class=n>{num(r['total_score'])}</td><td>{links.link(r['file'], r['page'])}</td></tr>")
    return "\n".join(lines) + "</table>"


def _failed_checks(found: Rows | None, links: SourceLinks) -> str:
    if found is None:
        return ""
    if not found:
        return "<p class=ok>Every check of these reports passes.</p>"
    lines = [f"<p class=fail>{len(found)} failed checks (the report's own figures disagree):</p><table><tr>"
             "<th>year</th><th>kind</th><th>check</th><th>expected</th><th>actual</th><th>source</th></tr>"]
    for r in found:
        lines.append(f"<tr><td>{r['year']}</td><td>{KIND_NAMES.get(r['kind'], r['kind'])}</td>"
                     f"<td>{escape(r['check_name'])}{escape(' — ' + r['detail'] if r['detail'] else '')}</td>"
                     f"<td class=n>{num(r['expected'])}</td><td class=n>{num(r['actual'])}</td>"
                     f"<td>{links.link(r['file'], r['page'])}</td></tr>")
    return "\n".join(lines) + "</table>"


#: What a department page shows beyond its reports' headline figures: one query each, for every department at once
#: (grouped by department_id, in the query's order); a query of a table the warehouse lacks reads nothing.
_PAGE_QUERIES = {
    "function_classes": ("marts.fct_expenditure_by_function",
                         "SELECT department_id, year, function_code, function_name, total, file, page FROM "
                         "marts.fct_expenditure_by_function WHERE kind = 'final' AND level = 1 AND scope = 'all_funds' "
                         "ORDER BY year, function_code"),
    "three_public": ("marts.fct_three_public",
                     "SELECT department_id, year, budget, actual, file, page FROM marts.fct_three_public "
                     "WHERE kind = 'final' AND item = 'total' ORDER BY year"),
    "procurement": ("marts.fct_procurement",
                    "SELECT department_id, year, total, sme_amount, sme_share_pct, file, page FROM marts.fct_procurement "
                    "WHERE kind = 'final' ORDER BY year"),
    "budget_vs_final": ("marts.fct_budget_vs_final",
                        "SELECT v.department_id, v.year, v.budget, v.final, b.path AS budget_file, "
                        "f.path AS final_file FROM marts.fct_budget_vs_final AS v "
                        "LEFT JOIN marts.fct_report_summary AS b ON b.report_id = v.budget_report_id "
                        "LEFT JOIN marts.fct_report_summary AS f ON f.report_id = v.final_report_id "
                        "WHERE v.scope = 'all_funds' AND v.line = 'expenditure_total' "
                        "AND coalesce(v.budget, v.final) IS NOT NULL ORDER BY v.year"),
    "project_scores": ("marts.fct_project_performance",
                       "SELECT department_id, year, project_name, total_score, file, page FROM "
                       "marts.fct_project_performance ORDER BY year, total_score DESC NULLS LAST, project_index"),
    "projects": ("marts.fct_project_performance",
                 "SELECT department_id, year, project_name, budget, actual, execution_rate_pct, total_score, file, page "
                 "FROM marts.fct_project_performance ORDER BY year, project_index"),
    "failed_checks": ("quality.report_check_failures",
                      "SELECT department_id, year, kind, check_name, detail, expected, actual, file, page FROM "
                      "quality.report_check_failures ORDER BY year, kind, check_name"),
}


@dataclass(frozen=True)
class SiteRows:
    """What the pages show, read once for every department: the reports' headline figures (``summaries``) and each
    of :data:`_PAGE_QUERIES` (``pages[name]`` maps department_id → its rows; None where the table is missing;
    ``pages["summaries"]`` the headline figures by department)."""

    summaries: Rows
    pages: dict[str, dict[str, Rows] | None]

    def summary_of(self, department_id: str) -> Rows:
        return self.pages["summaries"].get(department_id, [])

    def of(self, name: str, department_id: str) -> Rows | None:
        by_department = self.pages[name]
        return None if by_department is None else by_department.get(department_id, [])

    def inputs_of(self, department_id: str) -> list[tuple[str, Rows | None]]:
        """Every row a department's page shows."""
        return [(name, self.of(name, department_id)) for name in self.pages]


@dataclass(frozen=True)
class SiteBuild:
    """A build's pages (index.html first) and those it wrote (the others kept: gongkai.site.kept)."""

    pages: list[Path]
    written: list[Path]


def read_site_rows(con) -> SiteRows:
    pages: dict[str, dict[str, Rows] | None] = {}
    present = tables(con)
    for name, (table, sql) in _PAGE_QUERIES.items():
        if table not in present:
            pages[name] = None
            continue
        by_department: dict[str, Rows] = defaultdict(list)
        for row in rows(con, sql):
            by_department[row["department_id"]].append(row)
        pages[name] = by_department
    found = summaries(con, present=present)
    pages["summaries"] = defaultdict(list)
    for row in found:
        pages["summaries"][row["department_id"]].append(row)
    return SiteRows(found, pages)


def department_page(data: SiteRows, department: dict[str, Any], links: SourceLinks) -> str:
    department_id = department["department_id"]
    summary = data.summary_of(department_id)

    def of(name: str) -> Rows:
        return data.of(name, department_id) or []

    figures = [f for f in (_function_classes(of("function_classes")), _basic_project(summary),
                           _three_public(of("three_public")), _operating_cost(summary),
                           _procurement(of("procurement")), _budget_vs_final(of("budget_vs_final")),
                           _project_scores(of("project_scores"))) if f]
    name = department["canonical_name"]
    body = [f'<nav><a href="index.html">← all departments</a></nav><h1>{escape(name)}</h1>',
            f"<p>{escape(department.get('region') or '')} {escape(department.get('level') or '')} · amounts in 万元 · "
            "sources open the report at its page</p>",
            "<h2>Reports</h2>", _headline_table(summary, links), "<h2>Figures</h2>",
            *[figure_html(f, links) for f in figures], "<h2>项目绩效自评 — project self-evaluations</h2>",
            _projects_table(of("projects"), links), "<h2>Checks</h2>",
            _failed_checks(data.of("failed_checks", department_id), links)]
    return html_page(name, "\n".join(body))


def build_site(con, out: Path, raw: Path | None = None, *, reuse: bool = True) -> SiteBuild:
    """Write index.html and one page per department with reports into ``out``, sources linked into the raw folder
    ``raw`` (None: sources named, not linked). The warehouse is read with a fixed number of queries, whatever the
    number of departments. With ``reuse``, a page whose rows and linked files are those the last build wrote it from
    is kept as it is (gongkai.site.kept): the same bytes."""
    out.mkdir(parents=True, exist_ok=True)
    links = SourceLinks(raw, out)
    last = read_record(out, context_of(links)) if reuse else Record(context_of(links))
    links.known_copies = dict(last.copies)
    record = Record(last.context)
    departments = rows(con, "SELECT * FROM marts.dim_department WHERE department_id IN "
                            "(SELECT department_id FROM marts.fct_report_summary) ORDER BY canonical_name")
    data = read_site_rows(con)
    pages, written = [], []
    for department in departments:
        path = out / f"dept-{department['department_id']}.html"
        inputs = inputs_digest((department, data.inputs_of(department["department_id"])))
        if write_page(path, inputs, lambda d=department: department_page(data, d, links), links, last, record):
            written.append(path)
        pages.append(path)
    index = out / "index.html"
    if write_page(index, inputs_digest((data.summaries, departments)),
                  lambda: index_page(data.summaries, departments, links), links, last, record):
        written.append(index)
    record.copies = links.checked_copies()
    write_record(out, record)
    return SiteBuild([index, *pages], written)
