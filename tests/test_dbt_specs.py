"""The dbt assets' specs read from dbt's manifest.json (gongkai.pipeline.dbt_specs), dbt's result events as Dagster
events and the dbt selection of a subset run (gongkai.pipeline.dbt_events)."""

from __future__ import annotations

import shutil

import dagster as dg
import duckdb
import pytest

from tests.conftest import environment

THREE_PUBLIC = dg.AssetKey(["marts", "fct_three_public"])
REVIEW_FINDINGS = dg.AssetKey(["staging", "stg_review_findings"])


@pytest.fixture(scope="module")
def specs():
    from gongkai.pipeline.assets import DBT_SPECS

    return DBT_SPECS


def test_every_model_and_seed_is_an_asset_and_every_test_a_check(specs):
    nodes = specs.manifest["nodes"]
    models = {uid for uid, node in nodes.items() if node["resource_type"] in ("model", "seed")}
    tests = {uid for uid, node in nodes.items() if node["resource_type"] == "test"}
    assert set(specs.unique_id_by_key.values()) == models
    assert set(specs.check_key_by_test) == tests
    assert {spec.key for spec in specs.asset_specs()} == set(specs.unique_id_by_key)
    assert len({check.key for check in specs.check_specs()}) == len(tests)


def test_sources_are_raw_tables_and_groups_follow_the_folders(specs):
    by_key = {spec.key: spec for spec in specs.asset_specs()}
    stg = by_key[dg.AssetKey(["staging", "stg_table_cells"])]
    assert [dep.asset_key for dep in stg.deps] == [dg.AssetKey("raw_tables")]
    assert stg.group_name == "dbt_staging" and by_key[THREE_PUBLIC].group_name == "dbt_marts"
    assert by_key[dg.AssetKey(["seeds", "places"])].group_name == "dbt_seeds"
    assert by_key[THREE_PUBLIC].metadata["dagster/table_name"].endswith(".marts.fct_three_public")
    documented = specs.manifest["nodes"]["model.gongkai.fct_three_public"]["columns"]
    columns = by_key[THREE_PUBLIC].metadata["dagster/column_schema"].columns
    assert [c.name for c in columns] == list(documented) and all(c.description for c in columns)
    assert by_key[THREE_PUBLIC].kinds == {"dbt", "duckdb"}


def test_checks_block_by_severity_and_a_singular_test_sits_on_its_ref(specs):
    checks = {check.key: check for check in specs.check_specs()}
    blocking = checks[dg.AssetCheckKey(THREE_PUBLIC, "checks_fct_three_public")]
    warning = checks[dg.AssetCheckKey(THREE_PUBLIC, "warnings_fct_three_public")]
    assert blocking.blocking and not warning.blocking
    assert warning.description.startswith("Identities and ranges")
    singular = checks[dg.AssetCheckKey(dg.AssetKey(["marts", "fct_report_summary"]),
                                       "assert_fct_marts_hold_preferred_versions_only")]
    assert THREE_PUBLIC in {dep.asset_key for dep in singular.additional_deps}


def test_a_subset_selects_its_models_and_tests_by_name(specs):
    from gongkai.pipeline.dbt_events import subset_selection

    checks = {dg.AssetCheckKey(THREE_PUBLIC, "checks_fct_three_public"),
              dg.AssetCheckKey(REVIEW_FINDINGS, "checks_stg_review_findings")}
    assert subset_selection(specs, {THREE_PUBLIC, REVIEW_FINDINGS}, checks, kept={REVIEW_FINDINGS}) == [
        "gongkai.marts.fct_three_public", "gongkai.marts.checks_fct_three_public",
        "gongkai.staging.checks_stg_review_findings"]


def test_result_events_become_outputs_and_check_results(specs):
    from gongkai.pipeline.dbt_events import event_asset_key, result_events

    def raw(unique_id, status, **data):
        return {"info": {"invocation_id": "i-1"},
                "data": {"node_info": {"unique_id": unique_id, "node_status": status,
                                       "node_started_at": "2026-12-02T05:00:00.000000",
                                       "node_finished_at": "2026-12-02T05:00:01.500000"}, **data}}

    warned = dg.AssetCheckKey(THREE_PUBLIC, "warnings_fct_three_public")
    [built] = result_events(raw("model.gongkai.fct_three_public", "success"), specs, set())
    assert event_asset_key(built, specs) == THREE_PUBLIC and built.metadata["Execution Duration"].value == 1.5
    [check] = result_events(raw("test.gongkai.warnings_fct_three_public.ed4032ecac", "warn", num_failures=3),
                            specs, {warned})
    assert (check.check_name, check.passed, check.severity) == (warned.name, False, dg.AssetCheckSeverity.WARN)
    assert check.metadata["dagster_dbt/failed_row_count"].value == 3
    assert list(result_events(raw("test.gongkai.warnings_fct_three_public.ed4032ecac", "pass"), specs, set())) == []
    assert list(result_events(raw("model.gongkai.fct_three_public", "skipped"), specs, set())) == []


@pytest.mark.slow
def test_e2e_a_subset_run_builds_and_checks_only_what_it_selects(e2e, tmp_path):
    """The session's warehouse (its record of the last complete build forgotten, so dbt runs), one mart and one
    view selected with their dbt checks: dbt builds the mart and runs those tests only, the view (created by this
    project before) is reported kept."""
    from gongkai.pipeline.dbt_state import forget_inputs, recorded_inputs
    from gongkai.pipeline.definitions import defs

    shutil.copytree(e2e["warehouse"].parent, tmp_path / "warehouse", ignore=shutil.ignore_patterns("build"))
    warehouse = tmp_path / "warehouse" / e2e["warehouse"].name
    with duckdb.connect(str(warehouse)) as con:
        forget_inputs(con)
    checks = {dg.AssetCheckKey(THREE_PUBLIC, "checks_fct_three_public"),
              dg.AssetCheckKey(THREE_PUBLIC, "warnings_fct_three_public"),
              dg.AssetCheckKey(REVIEW_FINDINGS, "checks_stg_review_findings")}
    job = defs.resolve_implicit_global_asset_job_def().get_subset(
        asset_selection={THREE_PUBLIC, REVIEW_FINDINGS}, asset_check_selection=checks)
    with environment(GONGKAI_RAW=str(e2e["raw"]), GONGKAI_WAREHOUSE=str(warehouse)):
        result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    assert result.success
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert recorded_inputs(con) is None  # not a complete build: a later whole run does not skip dbt
    materialized = {e.asset_key: e.materialization.metadata for e in result.get_asset_materialization_events()}
    assert set(materialized) == {THREE_PUBLIC, REVIEW_FINDINGS}
    assert materialized[THREE_PUBLIC]["unique_id"].value == "model.gongkai.fct_three_public"
    assert materialized[THREE_PUBLIC]["status"].value == "success"
    assert "unchanged" in materialized[REVIEW_FINDINGS]
    evaluated = {dg.AssetCheckKey(e.asset_key, e.check_name) for e in result.get_asset_check_evaluations()}
    assert evaluated == checks
