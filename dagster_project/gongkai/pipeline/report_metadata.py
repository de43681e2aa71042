"""What a report partition's materialization tells an analyst: which report it is, how much of it was read, and
how its own checks (reconciliation: totals, identities, narrative vs tables) came out — failed ones by name with
expected, actual, file and page — and its review findings (审核意见) with page, line and the text quoted.

Taken from the rows the parse worker staged (handed back with its result; from the staged Parquet,
warehouse/staging/<report_id>/, for a report staged by an earlier run), so it costs no warehouse access.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import pyarrow.parquet as pq

from gongkai.extract.table_sets import table_set_of
from gongkai.extract.records import CHECK_FAIL
from gongkai.warehouse.schema import STATUS_LOADED
from gongkai.warehouse.staged import StageResult

FAILED_CHECKS_SHOWN = 20
KIND_NAMES = {"final": "决算 final accounts", "budget": "预算 budget"}


def _rows(result: StageResult, table: str) -> list[dict[str, Any]]:
    """The report's staged rows of ``table``: as its parse worker handed them back, else read from its Parquet."""
    if result.shown is not None:
        return result.shown.get(table, [])
    path = Path(result.staged_dir) / f"{table}.parquet"
    return pq.read_table(path).to_pylist() if path.exists() else []


def _amount(value: Any) -> str:
    return "–" if value is None else f"{value:,.2f}"


def failed_checks_markdown(checks: list[dict[str, Any]], total: int | None = None) -> str:
    """Failed reconciliation checks, the first :data:`FAILED_CHECKS_SHOWN`, as a Markdown table (with a report
    column when the rows name their report); ``total`` is the count when ``checks`` holds only the first ones."""
    failed = [c for c in checks if c.get("status", CHECK_FAIL) == CHECK_FAIL]
    if not failed:
        return "none"
    total = len(failed) if total is None else total
    shown = failed[:FAILED_CHECKS_SHOWN]
    with_report = "report" in shown[0]
    head = (["report"] if with_report else []) + ["check", "what", "expected", "actual", "difference", "file", "page"]
    lines = [f"{total} failed checks" + (f", the first {len(shown)}" if len(shown) < total else "") + ":", "",
             "| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    for c in shown:
        what = (c.get("detail") or "").replace("|", "\\|").replace("\n", " ")
        cells = ([c["report"]] if with_report else []) + [
            c["check_name"], what, _amount(c["expected"]), _amount(c["actual"]), _amount(c["difference"]),
            c.get("file") or "–", str(c.get("page") or "–")]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report_metadata(result: StageResult) -> dict[str, Any]:
    """Metadata of one report partition: department, year, kind, pages, tables read of expected, checks
    pass / fail / not run and the failed checks; the error for a file that could not be read."""
    metadata: dict[str, Any] = {
        "path": result.path,
        "report_id": result.report_id,
        "status": result.status,
        "department": result.department or "unknown",
        "fiscal_year": result.fiscal_year or 0,
        "kind": KIND_NAMES.get(result.kind or "", result.kind or "unknown"),
    }
    if result.error_kind:
        metadata["error"] = f"[{result.error_kind}] {result.message}"
    staged = result.staged_dir
    if staged is None or not Path(staged).is_dir():
        return metadata
    files = _rows(result, "report_files")
    if files:
        metadata["pages"] = files[0].get("pages") or 0
    if result.status == STATUS_LOADED:
        tables = [(t["table_family"], t["table_title"], t["table_label"])  # 本表无数据 counts: read
                  for t in _rows(result, "report_tables")]
        name, expected = table_set_of(result.kind, tables)
        metadata["tables_read"] = f"{len(tables)} of {expected} tables ({name} set)"
        checks = _rows(result, "reconciliation_checks")
        counts = {s: sum(c["status"] == s for c in checks) for s in ("pass", "fail", "not_run")}
        metadata["checks"] = f"{counts['pass']} pass / {counts['fail']} fail / {counts['not_run']} not run"
        metadata["checks_failed"] = counts["fail"]
        metadata["failed_checks"] = dg.MetadataValue.md(failed_checks_markdown(checks))
        metadata["rows_staged"] = sum(result.row_counts.values())
        findings = _rows(result, "review_findings")
        metadata["review_findings"] = len(findings)
        metadata["review"] = dg.MetadataValue.md(review_markdown(findings))
    return metadata


def add_partition_metadata(context: dg.AssetExecutionContext, by_partition: Mapping[str, Mapping[str, Any]]) -> None:
    """Each partition's own materialization metadata (``by_partition``: partition key → metadata), added in one step.

    ``context.add_asset_metadata(partition_key=…)`` lists the instance's dynamic partitions to check its key and
    copies the metadata gathered so far, on every call: quadratic in the run's partitions (≈ 5 s CPU for 1,000).
    Here the keys are checked once against the run's and the step's metadata is set once; where this Dagster's
    step context does not hold it as expected, the public call is made per partition."""
    unknown = set(by_partition) - set(context.partition_keys)
    if unknown:
        raise dg.DagsterInvariantViolationError(
            f"metadata for partitions this run does not target: {sorted(unknown)[:5]}")
    step = getattr(context.op_execution_context, "_step_execution_context", None)
    accumulated = getattr(step, "_metadata_accumulator", None)
    if not isinstance(getattr(accumulated, "per_output_metadata", None), Mapping):
        for key, metadata in by_partition.items():
            context.add_asset_metadata(metadata, partition_key=key)
        return
    from dagster._core.execution.context.metadata_logging import AssetMetadataHandle, OutputMetadataAccumulator

    merged = dict(accumulated.per_output_metadata)
    for key, metadata in by_partition.items():
        handle = AssetMetadataHandle(asset_key=context.asset_key, partition_key=key)
        merged[handle] = {**merged.get(handle, {}), **metadata}
    step._metadata_accumulator = OutputMetadataAccumulator(per_output_metadata=merged)


def review_markdown(findings: list[dict[str, Any]]) -> str:
    """A report's review findings (raw.review_findings rows) as its review sheet (审核意见), a Markdown table."""
    if not findings:
        return "未发现问题 (no finding)"
    cell = lambda v: str("" if v is None else v).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    lines = ["| 页码 | 行 | 级别 | 审核规则 | 原文 | 应为 |", "|---|---|---|---|---|---|"]
    for f in findings:
        severity = "警告" if f["severity"] == "warning" else "提示"
        values = (f["page"], f["line"], severity, f["rule_title"], f["quote"], f["expected"])
        lines.append("| " + " | ".join(cell(v) for v in values) + " |")
    return "\n".join(lines)
