"""The parsed report as plain JSON-ready data, with the stable keys documented in docs/json.md."""

from __future__ import annotations

import copy
import functools
from dataclasses import fields, is_dataclass
from typing import Any

from gongkai.extract.records import CHECK_FAIL, CHECK_NOT_RUN, CHECK_PASS, Report

SCHEMA_VERSION = 1


def report_to_dict(report: Report) -> dict:
    data = plain(report)
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


def plain(value: Any) -> Any:
    """``value`` as ``dataclasses.asdict`` gives it — dataclasses as dicts; lists, tuples and dicts copied; other
    values deep-copied — at a fraction of its cost (it deep-copies every leaf; a report's leaves are strings,
    numbers and None, which need no copy)."""
    kind = type(value)
    if kind in _LEAVES:
        return value
    names = _field_names(kind)
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    if kind is list:
        return [plain(v) for v in value]
    if kind is tuple:
        return tuple(plain(v) for v in value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a named tuple
        return kind(*[plain(v) for v in value])
    if isinstance(value, (list, tuple)):
        return kind(plain(v) for v in value)
    if isinstance(value, dict):
        return kind((plain(k), plain(v)) for k, v in value.items())
    return copy.deepcopy(value)


_LEAVES = frozenset({str, int, float, bool, type(None)})


@functools.cache
def _field_names(kind: type) -> tuple[str, ...] | None:
    return tuple(f.name for f in fields(kind)) if is_dataclass(kind) else None
