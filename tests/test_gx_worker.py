"""The GX worker (gongkai.quality.gx_worker): a process that started it validates in it without importing Great
Expectations, and gets the results GX gives in this process on the same rows — failures planted in seed values
(辽宁省数据局 2024, 支出决算表: 2101101 行政单位医疗 84.11 = 76.53 + 7.58; a duplicate key, a malformed code)."""

from __future__ import annotations

import json
import pickle
import shutil
import subprocess
import sys

import pytest

from gongkai.quality import SUITES, Lookups, prepare_frame
from gongkai.quality.context import EXPECTATIONS_DIR, get_context
from gongkai.quality.gx import validate_frame

SUITE = "fct_expenditure_by_function"

#: In a fresh process: start the worker, validate the frame given on stdin on the default context (every
#: expectation, then some), print the outcomes and whether GX was imported in that process.
SCRIPT = """
import json, pickle, sys
from gongkai.quality import SUITES, gx_worker
from gongkai.quality.gx import validate_frame
frame, variants = pickle.load(sys.stdin.buffer)
gx_worker.start()
results = [validate_frame(SUITES[sys.argv[1]], frame, only=only) for only in variants]
print(json.dumps({"gx_imported": "great_expectations" in sys.modules, "rows": [r.rows for r in results],
                  "results": [[[r.details["index"], r.expectation, r.column, r.severity, r.success,
                                r.unexpected_count, r.details.get("failing_rows", [])] for r in result.results]
                              for result in results]}, ensure_ascii=False, default=str))
"""
#: Every expectation, and the first six only (as GX is run on candidate rows)
VARIANTS = [None, [0, 1, 2, 3, 4, 5]]


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    root = tmp_path_factory.mktemp("gx") / "expectations"
    shutil.copytree(EXPECTATIONS_DIR, root, ignore=shutil.ignore_patterns("uncommitted"))
    return get_context(root, docs_dir=root.parent / "gx_docs")


def planted_frame():
    """The seed's 210 卫生健康支出 rows with a broken identity (project 9.99), a duplicate key and a malformed code."""
    import pandas as pd

    report = dict(report_id="c669139aa1fe8f20", department_id="218fd8bfc9da68bd", department="辽宁省数据局", year=2024,
                  kind="final", scope="all_funds", remittance_to_superior=None, business=None,
                  subsidy_to_affiliates=None)
    rows = [("210", None, 1, 89.36, 81.78, 7.58), ("21011", "210", 2, 89.36, 81.78, 7.58),
            ("2101101", "21011", 3, 84.11, 76.53, 9.99), ("2101101", "21011", 3, 84.11, 76.53, 7.58),
            ("21011O2", "21011", 3, 5.25, 5.25, None)]
    frame = pd.DataFrame([dict(report, function_code=code, parent_code=parent, level=level, total=total, basic=basic,
                               project=project) for code, parent, level, total, basic, project in rows])
    lookups = Lookups(function_codes={"210", "21011", "2101101", "2101102"}, economic_codes={"301"})
    return prepare_frame(SUITE, frame, lookups=lookups)


def _outcomes(result) -> list[list]:
    return [[r.details["index"], r.expectation, r.column, r.severity, r.success, r.unexpected_count,
             r.details.get("failing_rows", [])] for r in result.results]


def test_the_worker_gives_the_results_gx_gives_here(context):
    frame = planted_frame()
    here = [validate_frame(SUITES[SUITE], frame, context, only=only) for only in VARIANTS]
    assert not here[0].success and not here[0].success_errors  # the planted failures fail here
    run = subprocess.run([sys.executable, "-c", SCRIPT, SUITE], input=pickle.dumps((frame, VARIANTS)),
                         capture_output=True, timeout=300, check=True)
    there = json.loads(run.stdout)
    assert there["gx_imported"] is False
    assert there["rows"] == [r.rows for r in here] == [len(frame)] * 2
    assert there["results"] == json.loads(json.dumps([_outcomes(r) for r in here], ensure_ascii=False, default=str))
    assert len(there["results"][1]) == 6


def test_a_worker_that_died_leaves_the_validation_to_this_process(context, monkeypatch):
    from gongkai.quality import gx_worker

    worker = gx_worker.GXWorker()
    worker.process.kill()
    worker.process.wait()
    monkeypatch.setattr(gx_worker, "running", lambda: worker)
    frame = planted_frame()
    result = validate_frame(SUITES[SUITE], frame)  # the default context, in this process
    assert _outcomes(result) == _outcomes(validate_frame(SUITES[SUITE], frame, context))
    assert not result.success_errors
