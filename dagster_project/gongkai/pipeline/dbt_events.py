"""dbt's result events as Dagster events, and the dbt selection of a subset run (结果事件 → 物化 / 检查结果).

A model's or seed's result (LogModelResult, LogSeedResult) that built it is the asset's ``Output``; a test's result
(LogTestResult) that ran is its check's ``AssetCheckResult`` — passed when dbt says ``pass``, severity WARN when dbt
says ``warn``. The metadata is what dagster-dbt gave the same events: the node's unique_id, dbt's invocation id and
status, the execution duration, a test's failing-row count.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from datetime import datetime
from typing import Any

import dagster as dg

from gongkai.pipeline.dbt_specs import DbtSpecs

#: dbt node statuses of a node that was built (or left as it was on purpose).
BUILT = frozenset({"success", "no-op", "reused"})
#: DBT_INDIRECT_SELECTION of a subset run: dbt runs exactly the tests selected, no test of a selected model more.
EXPLICIT_TESTS_ONLY = "empty"


def result_events(raw: Mapping[str, Any], specs: DbtSpecs,
                  selected_checks: Collection[dg.AssetCheckKey]) -> Iterator[dg.Output | dg.AssetCheckResult]:
    """The Dagster event of one dbt result event (as a dict: ``msg_to_dict``): none for a node that was skipped or
    failed to build, nor for a test whose check is not selected."""
    node_info = raw["data"].get("node_info") or {}
    unique_id = node_info.get("unique_id")
    if unique_id is None:
        return
    status = _status(raw["data"])
    metadata = {**_duration(raw["data"]), "unique_id": unique_id, "invocation_id": raw["info"]["invocation_id"],
                "status": status}
    if unique_id in specs.asset_ids and status in BUILT:
        key = specs.key_by_unique_id[unique_id]
        yield dg.Output(None, output_name=key.to_python_identifier(), metadata=metadata)
    elif unique_id in specs.check_key_by_test and status != "skipped":
        key = specs.check_key_by_test[unique_id]
        if key not in selected_checks:
            return
        failures = raw["data"].get("num_failures")
        if failures is not None:
            metadata["dagster_dbt/failed_row_count"] = failures
        yield dg.AssetCheckResult(
            asset_key=key.asset_key, check_name=key.name, passed=status == "pass", metadata=metadata,
            severity=dg.AssetCheckSeverity.WARN if status == "warn" else dg.AssetCheckSeverity.ERROR)


def event_asset_key(event: dg.Output | dg.AssetCheckResult, specs: DbtSpecs) -> dg.AssetKey:
    """The asset an event of :func:`result_events` is about."""
    if isinstance(event, dg.Output):
        return specs.key_by_output_name[event.output_name]
    return event.asset_key


def subset_selection(specs: DbtSpecs, assets: Collection[dg.AssetKey], checks: Collection[dg.AssetCheckKey],
                     kept: Collection[dg.AssetKey] = ()) -> list[str]:
    """The dbt nodes (their fqn, dot-joined) a run that selects only ``assets`` and ``checks`` runs: the selected
    models and seeds but the ``kept`` ones, and the selected checks' tests (run with :data:`EXPLICIT_TESTS_ONLY`)."""
    nodes = specs.manifest["nodes"]
    models = [specs.unique_id_by_key[key] for key in sorted(assets, key=lambda k: k.path) if key not in kept]
    tests = [specs.test_by_check_key[key] for key in sorted(checks, key=lambda k: (k.asset_key.path, k.name))]
    return [".".join(nodes[uid]["fqn"]) for uid in [*models, *tests]]


def _status(data: Mapping[str, Any]) -> str:
    status = (data.get("node_info") or {}).get("node_status")
    return status if status not in ("", "None", None) else str(data.get("status", "")).lower()


def _duration(data: Mapping[str, Any]) -> dict[str, float]:
    node_info = data.get("node_info") or {}
    started, finished = node_info.get("node_started_at"), node_info.get("node_finished_at")
    if started not in ("", "None", None) and finished not in ("", "None", None):
        seconds = (datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds()
        return {"Execution Duration": seconds}
    return {"Execution Duration": data["execution_time"]} if data.get("execution_time") else {}
