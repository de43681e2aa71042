"""Data quality for gongkai: Great Expectations 1.x suites on raw tables and marts, results into DuckDB.

Suites are code (``gongkai.quality.suites``) and are persisted as JSON under ``expectations/expectations/``
(a GX file context rooted at ``expectations/``: ``gx.get_context(mode="file", context_root_dir="expectations")``).
GX validates pandas DataFrames (pandas datasource ``gongkai_pandas``, one dataframe asset and a whole-dataframe
batch definition per suite) — not through GX's SQL datasource, which fails every expectation on duckdb-engine. Every
suite is validated in DuckDB: its helper columns are SQL (``raw_columns``, ``mart_columns``), SQL selects the rows
that may fail and GX is given those rows and the expectations they may fail only (``in_sql``); for the others, and on
no candidate row, GX's outcome on no rows, recorded (``no_candidates``). Great Expectations is imported lazily, once per process, on the first call that needs it.

Modules: ``specs`` (suites as data), ``suites`` (the suites), ``raw_columns`` / ``mart_columns`` (helper columns in
SQL), ``helper_columns`` (reference sets, helpers that need Python), ``context`` (the GX file context), ``gx``
(running GX on a frame), ``in_sql`` (candidate rows), ``no_candidates`` (the outcome on no rows), ``tables`` (a
whole table), ``incremental`` (the changed partitions only), ``partition_state`` (their state, read and
written once a step), ``unchanged_tables`` (an unchanged whole table),
``fingerprint`` (what a recorded outcome depends on), ``results`` (plain results, storage), ``gx_worker`` (GX in a
process of its own, started by ``gongkai run``: validations on the default context go to it).

Severities: ``'error'`` blocks downstream, only for invariants the pipeline guarantees (broken keys, unknown
statuses, malformed or unknown codes in marts); ``'warning'`` is recorded and the run goes on, for every check on
a printed value (a real report's own inconsistency: total ≠ basic + project, parent ≠ Σ children, SME amount >
procurement total, a negative amount, a score over 100 …).

Public API::

    from gongkai.quality import SUITES, run_suite, validate_table, run_all, store_results, build_docs, get_context

    SUITES: dict[str, SuiteSpec]          # keyed by asset/table name: 'raw_table_cells', 'fct_expenditure_by_function', …
    SUITES[name].table                    # the DuckDB table it validates, e.g. 'marts.fct_expenditure_by_function'

    result = run_suite(name, df, context=None, con=None)   # df: pandas rows of that table -> SuiteResult
    result = validate_table(con, name)                     # every row of SUITES[name].table (in SQL where it can)
    results = run_all(con, names=None, store=True, docs=False)  # every suite whose table exists, one run_id

    result.success_errors   # bool: no 'error' expectation failed -> downstream may run
    result.success          # bool: nothing failed at all
    result.results          # list[ExpectationResult(suite, table, expectation, column, severity, success,
                            #                        unexpected_count, details)]
    result.errors, result.warnings   # the failed ones by severity

    store_results(con, result_or_results)   # append to quality.gx_results (run_id, suite, table, expectation,
                                            # column, severity, success, unexpected_count, details, validated_at)
    build_docs()                            # GX data docs into warehouse/gx_docs (index.html)

    # partitioned suites (SuiteSpec.partition_column): only the reports whose rows changed since the last run
    result = validate_changed_reports(con, name, versions)   # versions: report_id -> version of its rows
    row_versions(con, name)   # report_id -> hash of its rows in the suite's table (for tables dbt rebuilds)
    state = PartitionState(con, names)   # several suites' state read once: validate_changed_reports(..., state=state)
    state.save()                         # ... and written in one transaction
    get_context(root="expectations", docs_dir=None)   # the cached FileDataContext

In Dagster: after loading raw (or after ``dbt build``), ``r = validate_table(con, 'raw_table_cells');
store_results(con, r)``; fail the asset check / raise when ``not r.success_errors``; report ``r.warnings`` as
metadata. Membership of codes in marts is checked against marts.dim_*_class (via ``con``); in raw tables against
the reference seed (warning only — new codes appear in real reports).
"""

from gongkai.quality.context import (
    DEFAULT_DOCS_DIR,
    EXPECTATIONS_DIR,
    build_docs,
    build_suite,
    get_context,
    sync_suites,
)
from gongkai.quality.gx import prepare_frame, run_suite
from gongkai.quality.helper_columns import Lookups
from gongkai.quality.fingerprint import suite_fingerprint
from gongkai.quality.incremental import row_versions, validate_changed_reports
from gongkai.quality.partition_state import PartitionState
from gongkai.quality.results import RESULTS_TABLE, ExpectationResult, SuiteResult, store_results
from gongkai.quality.specs import ERROR, WARNING, ExpectationSpec, SuiteSpec
from gongkai.quality.suites import SUITES
from gongkai.quality.tables import run_all, validate_table

__all__ = [
    "DEFAULT_DOCS_DIR", "ERROR", "EXPECTATIONS_DIR", "RESULTS_TABLE", "SUITES", "WARNING", "ExpectationResult",
    "ExpectationSpec", "Lookups", "PartitionState", "SuiteResult", "SuiteSpec", "build_docs", "build_suite", "get_context",
    "prepare_frame", "row_versions", "run_all", "run_suite", "store_results", "suite_fingerprint", "sync_suites",
    "validate_changed_reports", "validate_table",
]
