"""Great Expectations' outcome on no rows, recorded: when DuckDB finds no candidate row (gongkai.quality.in_sql), no
expectation of the suite can fail, and GX's verdict on an empty frame is the same on every run — every expectation
met, no unexpected row. GX gives it once per suite fingerprint, GX version and result format; later validations
with no candidate take it from ``expectations/uncommitted/no_candidates/`` (not committed, like GX's own results
there), so a run whose changed rows all pass does not import GX at all. It also stands for the expectations no
candidate row may fail when others may (gongkai.quality.in_sql: GX runs those others only). The results a run stores
(quality.gx_results) are the same either way; GX's data docs show the validations GX ran.
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import asdict
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from gongkai.quality.context import EXPECTATIONS_DIR
from gongkai.quality.fingerprint import suite_fingerprint
from gongkai.quality.gx import validate_frame
from gongkai.quality.results import ExpectationResult, SuiteResult
from gongkai.quality.specs import SuiteSpec

if TYPE_CHECKING:
    import pandas as pd

RECORDED_DIR = EXPECTATIONS_DIR / "uncommitted" / "no_candidates"


@functools.cache
def _gx_version() -> str:
    """Great Expectations' version, from its installed metadata (≈ 5 ms a look-up: once per process)."""
    return version("great_expectations")


def _recorded_path(spec: SuiteSpec, by_partition: bool) -> Path:
    key = f"{suite_fingerprint(spec.name)}-gx{_gx_version()}{'-by_partition' if by_partition else ''}"
    return RECORDED_DIR / f"{spec.name}-{key}.json"


def _read(path: Path) -> list[dict] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _record(path: Path, result: SuiteResult) -> None:
    """Write the outcome (atomically: runs may share the folder); a folder that cannot be written is no error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps([asdict(r) for r in result.results], ensure_ascii=False, default=str),
                           encoding="utf-8")
        os.replace(partial, path)
    except OSError:
        pass


def validate_no_candidates(spec: SuiteSpec, empty: pd.DataFrame, context=None, *, run_id: str,
                           by_partition: bool = False) -> SuiteResult:
    """The suite's outcome on ``empty`` (the candidate rows' columns, no row): recorded, else GX's (then recorded
    when every expectation was met)."""
    path = _recorded_path(spec, by_partition)
    recorded = _read(path)
    if recorded is not None:
        return SuiteResult(spec.name, spec.table, run_id, datetime.now(timezone.utc).replace(tzinfo=None), 0,
                           [ExpectationResult(**r) for r in recorded])
    result = validate_frame(spec, empty, context, run_id=run_id, by_partition=by_partition)
    if all(r.success and "exception" not in r.details for r in result.results):
        _record(path, result)
    return result
