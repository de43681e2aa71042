"""The asset checks that are not GX suites — ingest errors and review findings on ``raw_tables``, the reports' own
inconsistencies on ``quality.report_check_failures`` — each a warning that never blocks. They run in the GX step of
their asset (gongkai.pipeline.checks: ``gx_raw_suites``, ``gx_model_suites``) on that step's connection: a step and
a warehouse connection of their own cost more than their queries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import dagster as dg

from gongkai.pipeline.assets import DBT_KEYS, RAW_TABLES_KEY
from gongkai.pipeline.report_metadata import FAILED_CHECKS_SHOWN, failed_checks_markdown, review_markdown
from gongkai.pipeline.resources import WarehouseResource
from gongkai.warehouse.load import current_ingest_errors

REPORT_CHECK_FAILURES_KEY = dg.AssetKey(["quality", "report_check_failures"])
_KIND_NAMES = {"final": "决算", "budget": "预算"}


@dataclass(frozen=True)
class WarehouseCheck:
    """A non-blocking check of ``asset_key`` named ``name``: ``evaluate(con, gongkai)`` gives its metadata and
    whether it passed (a failure is a warning)."""

    name: str
    asset_key: dg.AssetKey
    description: str
    evaluate: Callable[[object, WarehouseResource], tuple[bool, dict]]

    @property
    def spec(self) -> dg.AssetCheckSpec:
        return dg.AssetCheckSpec(self.name, asset=self.asset_key, blocking=False, description=self.description)

    def result(self, con, gongkai: WarehouseResource) -> dg.AssetCheckResult:
        passed, metadata = self.evaluate(con, gongkai)
        return dg.AssetCheckResult(asset_key=self.asset_key, check_name=self.name, passed=passed,
                                   severity=dg.AssetCheckSeverity.WARN, metadata=metadata)


def _ingest_errors(con, gongkai: WarehouseResource) -> tuple[bool, dict]:
    rows = con.execute(
        "SELECT status, count(*) FROM raw.report_files WHERE is_current GROUP BY status ORDER BY status"
    ).fetchall()
    # every file the raw folder holds now that could not be loaded, refused paths (no report_files row) included
    failed = current_ingest_errors(con, gongkai.raw_dir(), gongkai.staging_dir())
    counts = {status: n for status, n in rows}
    return not failed, {
        **{f"files_{k}": v for k, v in counts.items()},
        "ingest_errors": len(failed),
        "failed_files": dg.MetadataValue.md("\n".join(f"- {p}: [{k}] {m}" for p, k, m in failed) or "none"),
    }


def _review_findings(con, gongkai: WarehouseResource) -> tuple[bool, dict]:
    rows = con.execute(
        "SELECT f.file, f.page, f.line, f.severity, f.rule_title, f.quote, f.expected "
        "FROM raw.review_findings f JOIN raw.report_files r ON r.report_id = f.report_id AND r.is_current "
        "AND r.path = f.file ORDER BY f.file, f.finding_index"
    ).fetchall()
    by_report: dict[str, list[dict]] = {}
    for file, page, line, severity, title, quote, expected in rows:
        by_report.setdefault(file, []).append({"page": page, "line": line, "severity": severity, "rule_title": title,
                                               "quote": quote, "expected": expected})
    return not rows, {
        "findings": len(rows),
        "reports_with_findings": len(by_report),
        **{f"review: {file}": dg.MetadataValue.md(review_markdown(found)) for file, found in by_report.items()},
    }


def _report_inconsistencies(con, gongkai: WarehouseResource) -> tuple[bool, dict]:
    total, reports = con.execute(
        "SELECT count(*), count(DISTINCT report_id) FROM quality.report_check_failures").fetchone()
    cursor = con.execute(
        "SELECT department, year, kind, path, check_name, detail, expected, actual, difference, file, page "
        "FROM quality.report_check_failures ORDER BY department, year, kind, path, check_name LIMIT ?",
        [FAILED_CHECKS_SHOWN])
    columns = [d[0] for d in cursor.description]
    rows = [dict(zip(columns, row)) for row in cursor.fetchall()]
    for row in rows:
        row["report"] = f"{row['department']} {row['year']} {_KIND_NAMES.get(row['kind'], row['kind'])}"
    return total == 0, {"failed_checks": total, "reports": reports,
                        "failures": dg.MetadataValue.md(failed_checks_markdown(rows, total))}


RAW_CHECKS = [
    WarehouseCheck("ingest_errors", RAW_TABLES_KEY, "Warn when a file in the raw folder could not be loaded (its "
                   "current row in raw.ingest_errors: unreadable, refused path, timeout).", _ingest_errors),
    WarehouseCheck("review_findings", RAW_TABLES_KEY, "The disclosure review (审核意见): warn when a current report has "
                   "review findings (raw.review_findings, marts.fct_review_finding); the metadata lists them per "
                   "report with page, line and the text quoted.", _review_findings),
]
MODEL_CHECKS = [
    WarehouseCheck("report_inconsistencies", REPORT_CHECK_FAILURES_KEY, "Warn when a loaded report's own figures "
                   "disagree (totals, identities, narrative vs tables, a later report's comparatives): the first 20 "
                   "with report, expected, actual, file and page. Never blocks publishing.", _report_inconsistencies),
] if REPORT_CHECK_FAILURES_KEY in DBT_KEYS else []
