"""A parsed report → the rows of the raw tables (see schema.py), each value row with its file, page and line.

Pure: no file is read or written here.
"""

from __future__ import annotations

from typing import Any

from gongkai.extract.records import Report
from gongkai.warehouse.content import content_fingerprint
from gongkai.warehouse.schema import DATA_TABLES, STATUS_FAILED


def _src(source, rel_path: str) -> dict[str, Any]:
    if source is None:
        return {"file": rel_path, "page": None, "line": None}
    return {"file": rel_path, "page": source.page, "line": source.line}


def _src_required(source, fallback, rel_path: str) -> dict[str, Any]:
    """file/page/line for a NOT NULL provenance: the value's own source, else its row's or table's."""
    src = source or fallback
    if src is None:
        return {"file": rel_path, "page": 0, "line": 0}
    return {"file": rel_path, "page": src.page, "line": src.line}


def report_rows(report: Report, report_id: str, rel_path: str) -> dict[str, list[dict[str, Any]]]:
    """Every raw data table's rows for one parsed report (report_files and ingest_errors excluded)."""
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in DATA_TABLES}
    for table in report.tables:
        base = {
            "report_id": report_id,
            "table_family": table.family,
            "table_title": table.title,
            "table_label": table.label,
            "table_unit": table.unit,
        }
        rows["report_tables"].append(
            {**base, "is_empty": bool(table.is_empty), "row_count": len(table.rows), **_src_required(table.source, None, rel_path)}
        )
        for row in table.rows:
            row_base = {
                **base,
                "row_index": row.index,
                "row_label": row.label,
                "code": row.code,
                "level": row.level,
                "parent_code": row.parent_code,
                "item": row.item,
                "side": row.side,
                "row_number": row.row_number,
                "category": row.category,
            }
            for cell in row.cells:
                rows["table_cells"].append(
                    {
                        **row_base,
                        "column_name": cell.column,
                        "value": cell.value,
                        "original": cell.original,
                        "cell_status": cell.status,
                        "candidates": ",".join(cell.candidates) if cell.candidates else None,
                        **_src_required(cell.source, row.source, rel_path),
                    }
                )
    for fact in report.narrative:
        rows["narrative_facts"].append(
            {
                "report_id": report_id,
                "fact_key": fact.key,
                "qualifier": fact.qualifier,
                "value": fact.value,
                "unit": fact.unit,
                "original": fact.original,
                "fiscal_year": fact.fiscal_year,
                "basis": fact.basis,
                **_src_required(fact.source, None, rel_path),
            }
        )

    def indicator_rows(kind: str, index: int, indicators) -> None:
        for i, ind in enumerate(indicators):
            rows["performance_indicators"].append(
                {
                    "report_id": report_id,
                    "evaluation_kind": kind,
                    "evaluation_index": index,
                    "indicator_index": i,
                    "level1": ind.level1,
                    "level2": ind.level2,
                    "level3": ind.level3,
                    "operator": ind.operator,
                    "target": ind.target,
                    "unit": ind.unit,
                    "actual": ind.actual,
                    "completion": ind.completion,
                    "weight": ind.weight,
                    "score": ind.score,
                    "deviation_reason": ind.deviation_reason,
                    **_src_required(ind.source, None, rel_path),
                }
            )

    for p_index, project in enumerate(report.projects):
        rows["performance_projects"].append(
            {
                "report_id": report_id,
                "project_index": p_index,
                "project_name": project.name,
                "department": project.department,
                "implementing_unit": project.implementing_unit,
                "budget": project.budget,
                "actual": project.actual,
                "execution_rate_pct": project.execution_rate_pct,
                "target_text": project.target_text,
                "achievement_text": project.achievement_text,
                "indicator_subtotal": project.indicator_subtotal,
                "execution_score": project.execution_score,
                "deduction": project.deduction,
                "total_score": project.total_score,
                **_src_required(project.source, None, rel_path),
            }
        )
        indicator_rows("project", p_index, project.indicators)
    for u_index, unit in enumerate(report.unit_evaluations):
        rows["unit_evaluations"].append(
            {
                "report_id": report_id,
                "unit_index": u_index,
                "unit_code": unit.unit_code,
                "unit_name": unit.unit_name,
                "budget_income": unit.budget_income,
                "budget_expenditure": unit.budget_expenditure,
                "target_text": unit.target_text,
                "achievement_text": unit.achievement_text,
                "total_score": unit.total_score,
                **_src_required(unit.source, None, rel_path),
            }
        )
        for t_index, task in enumerate(unit.tasks):
            rows["unit_tasks"].append(
                {
                    "report_id": report_id,
                    "unit_index": u_index,
                    "task_index": t_index,
                    "task_name": task.name,
                    "allocated": task.allocated,
                    "executed": task.executed,
                    "execution_rate_pct": task.execution_rate_pct,
                    "weight": task.weight,
                    "score": task.score,
                    **_src_required(task.source, None, rel_path),
                }
            )
        indicator_rows("unit", u_index, unit.indicators)
    for t_index, target in enumerate(report.targets):
        rows["budget_targets"].append(
            {
                "report_id": report_id,
                "target_index": t_index,
                "target_kind": target.kind,
                "table_title": target.title,
                "target_name": target.name,
                "department": target.department,
                "implementing_unit": target.implementing_unit,
                "amount_total": target.amount_total,
                "amount_fiscal": target.amount_fiscal,
                "amount_carryover": target.amount_carryover,
                "amount_other": target.amount_other,
                "amount_unit": target.amount_unit,
                "goal_text": target.goal_text,
                "weight_total": target.weight_total,
                **_src_required(target.source, None, rel_path),
            }
        )
        for i_index, ind in enumerate(target.indicators):
            rows["budget_target_indicators"].append(
                {
                    "report_id": report_id,
                    "target_index": t_index,
                    "indicator_index": i_index,
                    "level1": ind.level1,
                    "level2": ind.level2,
                    "level3": ind.level3,
                    "target_text": ind.target_text,
                    "comparator": ind.comparator,
                    "target_value": ind.target_value,
                    "target_unit": ind.target_unit,
                    "weight": ind.weight,
                    **_src_required(ind.source, target.source, rel_path),
                }
            )
        for k_index, task in enumerate(target.tasks):
            rows["budget_target_tasks"].append(
                {
                    "report_id": report_id,
                    "target_index": t_index,
                    "task_index": k_index,
                    "task_name": task.name,
                    "amount_total": task.amount_total,
                    "amount_fiscal": task.amount_fiscal,
                    "amount_other": task.amount_other,
                    **_src_required(task.source, target.source, rel_path),
                }
            )
    for check in report.checks:
        rows["reconciliation_checks"].append(
            {
                "report_id": report_id,
                "check_name": check.name,
                "category": check.category,
                "expected": check.expected,
                "actual": check.actual,
                "difference": check.difference,
                "tolerance": check.tolerance,
                "status": check.status,
                "detail": check.detail,
                **_src(check.source, rel_path),
            }
        )
    for issue in report.issues:
        rows["parse_issues"].append(
            {
                "report_id": report_id,
                "severity": issue.severity,
                "issue_kind": issue.kind,
                "message": issue.message,
                **_src(issue.source, rel_path),
            }
        )
    for index, finding in enumerate(getattr(report, "findings", ())):  # a ReviewedReport (gongkai.review) has them
        rows["review_findings"].append(
            {
                "report_id": report_id,
                "finding_index": index,
                "rule": finding.rule,
                "concern": finding.concern,
                "rule_title": finding.title,
                "severity": finding.severity,
                "quote": finding.quote,
                "expected": finding.expected,
                "file": rel_path,
                "page": finding.page,
                "line": finding.line,
            }
        )
    for page in report.pages:
        rows["report_pages"].append(
            {
                "report_id": report_id,
                "page": page.page,
                "page_status": page.status,
                "chars": page.chars,
                "cid_glyphs": page.cid_glyphs,
                "replacement_chars": page.replacement_chars,
            }
        )
    for u_index, name in enumerate(report.units_in_scope):
        rows["units_in_scope"].append({"report_id": report_id, "unit_index": u_index, "unit_name": name})
    return rows


def report_file_row(
    report: Report | None,
    *,
    report_id: str,
    rel_path: str,
    sha256: str,
    size: int,
    status: str,
    error_kind: str | None = None,
    error_message: str | None = None,
    table_rows: int = 0,
) -> dict[str, Any]:
    checks = report.checks if report is not None else []
    return {
        "report_id": report_id,
        "path": rel_path,
        "sha256": sha256,
        "content_fingerprint": content_fingerprint(report) if report else None,
        "size_bytes": size,
        "format": report.format if report else None,
        "encoding": report.encoding if report else None,
        "department": report.department if report else None,
        "fiscal_year": report.fiscal_year if report else None,
        "kind": report.kind if report else None,
        "status": status,
        "error_kind": error_kind,
        "error_message": error_message,
        "pages": len(report.pages) if report else None,
        "table_rows": table_rows if report else None,
        "checks_passed": sum(c.status == "pass" for c in checks) if report else None,
        "checks_failed": sum(c.status == "fail" for c in checks) if report else None,
        "checks_not_run": sum(c.status == "not_run" for c in checks) if report else None,
        "printed_date": report.printed_date if report else None,
    }


def ingest_error_row(rel_path: str, sha256: str, error_kind: str, message: str) -> dict[str, Any]:
    return {"path": rel_path, "sha256": sha256, "error_kind": error_kind, "message": message}


def error_tables(row: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The staged tables of a file that was read but yields no data rows: its report_files row, and an ingest_errors
    row if it failed."""
    tables: dict[str, list[dict[str, Any]]] = {t: [] for t in DATA_TABLES}
    tables["report_files"] = [row]
    tables["ingest_errors"] = (
        [ingest_error_row(row["path"], row["sha256"], row["error_kind"], row["error_message"])]
        if row["status"] == STATUS_FAILED else []
    )
    return tables


def refused_tables(rel_path: str, error_kind: str, message: str) -> dict[str, list[dict[str, Any]]]:
    """The staged tables of a path that was not read at all (unsafe, unreadable): one ingest_errors row, sha256 ''."""
    tables: dict[str, list[dict[str, Any]]] = {t: [] for t in DATA_TABLES}
    tables["report_files"] = []
    tables["ingest_errors"] = [ingest_error_row(rel_path, "", error_kind, message)]
    return tables
