"""The parsed report as plain JSON-ready data, with the stable keys documented in docs/json.md."""

from __future__ import annotations

from dataclasses import asdict

from gongkai.extract.records import CHECK_FAIL, CHECK_NOT_RUN, CHECK_PASS, Report

SCHEMA_VERSION = 1


def report_to_dict(report: Report) -> dict:
    data = asdict(report)
    data["schema_version"] = SCHEMA_VERSION
    for check, raw in zip(report.checks, data["checks"]):
        raw["difference"] = check.difference
    data["summary"] = summarize(report)
    return data


def summarize(report: Report) -> dict:
    statuses = [c.status for c in report.checks]
    return {
        "tables": len(report.tables),
        "table_rows": sum(len(t.rows) for t in report.tables),
        "narrative_facts": len(report.narrative),
        "projects": len(report.projects),
        "unit_evaluations": len(report.unit_evaluations),
        "targets": len(report.targets),
        "checks_passed": statuses.count(CHECK_PASS),
        "checks_failed": statuses.count(CHECK_FAIL),
        "checks_not_run": statuses.count(CHECK_NOT_RUN),
        "issues": len(report.issues),
    }
