"""The run summary: what a run loaded, failed, skipped and checked, read from its result and the published
warehouse, and its printed form (``gongkai run``)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from gongkai.quality.report_checks import failed_report_checks, format_failed_report_checks
from gongkai.warehouse.load import current_ingest_errors
from gongkai.warehouse.paths import raw_dir, staging_dir


def summarize(result, warehouse: Path) -> dict:
    """Counts for the run summary: reports, rows per mart, checks, reconciliation."""
    summary: dict = {"success": bool(result.success), "warehouse": str(warehouse), "checks": {"passed": 0, "failed": 0}}
    failed_checks = []
    for evaluation in result.get_asset_check_evaluations():
        if evaluation.passed:
            summary["checks"]["passed"] += 1
        else:
            summary["checks"]["failed"] += 1
            failed_checks.append(
                f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name} ({evaluation.severity.value})"
            )
    summary["failed_checks"] = failed_checks
    failures = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE" and e.step_key]
    summary["failed_steps"] = [e.step_key for e in failures]
    summary["refusals"] = [m for m in (_gongkai_message(e) for e in failures) if m]
    summary["dbt_skipped"] = _dbt_skipped(result)
    if not warehouse.exists():
        return summary
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        summary["reports"] = dict(
            con.execute(
                "SELECT status, count(*) FROM raw.report_files WHERE is_current GROUP BY status ORDER BY status"
            ).fetchall()
        )
        summary["marts"] = _mart_rows(con)
        summary["ingest_errors"] = current_ingest_errors(con, raw_dir(), staging_dir(warehouse))
        summary["skipped_files"] = con.execute(
            "SELECT path, error_kind, error_message FROM raw.report_files WHERE is_current AND status = 'skipped' "
            "ORDER BY path"
        ).fetchall()
        summary["duplicates"] = con.execute(
            "SELECT f.path, min(k.path) FROM raw.report_files f JOIN raw.report_files k "
            "ON k.report_id = f.duplicate_of AND k.is_current WHERE f.is_current AND f.status = 'duplicate' "
            "GROUP BY f.path ORDER BY f.path"
        ).fetchall()
        summary["reconciliation"] = dict(
            con.execute(
                "SELECT r.status, count(*) FROM raw.reconciliation_checks r JOIN raw.report_files f "
                "ON f.report_id = r.report_id AND f.is_current GROUP BY r.status ORDER BY r.status"
            ).fetchall()
        )
        summary["failed_report_checks"] = failed_report_checks(con)
    finally:
        con.close()
    return summary


def _mart_rows(con) -> dict[str, int]:
    """Rows per mart, counted in one statement (one a mart cost ≈ 1 ms each, 41 marts)."""
    marts = [name for (name,) in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' ORDER BY table_name").fetchall()]
    if not marts:
        return {}
    quoted = ['"' + name.replace('"', '""') + '"' for name in marts]
    counts = con.execute(" UNION ALL ".join(f"SELECT {i} AS mart, count(*) FROM marts.{table}"
                                            for i, table in enumerate(quoted))).fetchall()
    return {marts[i]: n for i, n in sorted(counts)}


def _dbt_skipped(result) -> str | None:
    """Why the run did not run dbt, as its dbt step said on each model it reported unchanged (None: dbt ran)."""
    for event in result.all_events:
        if event.event_type_value == "ASSET_MATERIALIZATION":
            note = event.event_specific_data.materialization.metadata.get("unchanged")
            if note is not None and str(note.value).startswith("dbt skipped"):
                return str(note.value)
    return None


def _gongkai_message(event) -> str | None:
    """The one-line reason a gongkai step gave for failing (``gongkai: …``), found in the error's cause chain."""
    error = getattr(event.event_specific_data, "error", None)
    while error is not None:
        if error.message.split(": ", 1)[-1].startswith("gongkai: "):
            return error.message.split(": ", 1)[-1].strip()
        error = error.cause
    return None


def format_summary(summary: dict) -> str:
    reports = summary.get("reports", {})
    recon = summary.get("reconciliation", {})
    lines = [
        f"warehouse: {summary['warehouse']} ({'ok' if summary['success'] else 'RUN FAILED'})",
        f"reports: loaded {reports.get('loaded', 0)}, failed {reports.get('failed', 0)}, "
        f"skipped {reports.get('skipped', 0)}, duplicate {reports.get('duplicate', 0)}",
        f"checks: passed {summary['checks']['passed']}, failed {summary['checks']['failed']}",
        f"reconciliation: pass {recon.get('pass', 0)}, fail {recon.get('fail', 0)}, not_run {recon.get('not_run', 0)}",
    ]
    if summary.get("dbt_skipped"):
        lines.append(summary["dbt_skipped"])
    if summary.get("marts"):
        lines.append("rows per mart:")
        width = max(len(n) for n in summary["marts"])
        lines += [f"  {name:<{width}}  {count}" for name, count in summary["marts"].items()]
    errors = summary.get("ingest_errors", [])
    if errors:
        lines.append(f"files not loaded (raw.ingest_errors): {len(errors)}")
        lines += [f"  {path}: [{kind}] {message}" for path, kind, message in errors[:50]]
        if len(errors) > 50:
            lines.append(f"  … and {len(errors) - 50} more: SELECT * FROM raw.ingest_errors")
    duplicates = summary.get("duplicates", [])
    if duplicates:
        lines.append(f"duplicates (the same report as another file; counted once, raw.report_files.duplicate_of): "
                     f"{len(duplicates)}")
        lines += [f"  {path} = {kept}" for path, kept in duplicates[:50]]
    for path, kind, message in summary.get("skipped_files", [])[:50]:
        lines.append(f"skipped: {path}: [{kind}] {message}")
    lines += format_failed_report_checks(summary.get("failed_report_checks", []))
    for check in summary.get("failed_checks", [])[:20]:
        lines.append(f"  failed check: {check}")
    for refusal in summary.get("refusals", []):
        lines.append(refusal)
    if summary.get("failed_steps"):
        lines.append(f"failed steps: {', '.join(summary['failed_steps'])}")
    return "\n".join(lines)
