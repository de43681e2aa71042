"""A +1's models built by gongkai as one batch without dbt (pipeline.dbt_model_batch) give the tables dbt gives.

The tiny hand-made warehouse of tests/test_dbt_models.py is built whole by dbt (in this process: the SQL it compiled
for every table and per-report mart is kept, as a pipeline run keeps it), then grown as a +1 grows it — one report
changed, one new, one removed — and built again both ways on two copies: by dbt, as the dbt step selects (the tables
and per-report marts), and by the batch from the kept SQL. Every table of the warehouse is compared row for row.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from gongkai.pipeline.dbt_kept_sql import kept_path, warehouse_catalog
from gongkai.pipeline.dbt_model_batch import (
    KNOWN_MACROS_SHA256, SUFFIX, ModelBatch, UnfilledMarker, batched_models, fill_reports, keep_compiled_models,
    kept_compiled_models, mirrored_macros_sha256, why_dbt_runs,
)
from gongkai.pipeline.dbt_runner import CHANGED_MODELS_ONLY
from tests.test_dbt_models import R1, R2, R3
from tests.test_dbt_test_batch import _dbt, built_by_dbt

KEY = "model-batch-test"
R_NEW = "00000000000000d4"


def grow(warehouse: Path) -> None:
    """One report changed (a new file version's hash and a cell), one new (another department's copy of R3), one
    removed (its file no longer current)."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute("update raw.report_files set sha256 = 'changed' || sha256 where report_id = ?", [R1])
        con.execute("update raw.table_cells set value = value + 1 where report_id = ? and value is not null "
                    "and table_family = 'three_public'", [R1])
        con.execute("update raw.report_files set is_current = false where report_id = ?", [R2])
        for table in ("report_files", "table_cells", "narrative_facts"):
            con.execute(f"create temp table copied as select * from raw.{table} where report_id = ?", [R3])
            con.execute("update copied set report_id = ?", [R_NEW])
            if table == "report_files":
                con.execute("update copied set path = 'new/2023_other.pdf', department = '上海市普陀区审计局', "
                            "sha256 = 'new'")
            con.execute(f"insert into raw.{table} select * from copied")
            con.execute("drop table copied")


def every_table(warehouse: Path) -> dict[str, Counter]:
    """Each base table's rows, order-free (doubles to 1e-9)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute("select table_schema, table_name from information_schema.tables "
                             "where table_type = 'BASE TABLE' order by all").fetchall()
        found = {}
        for schema, name in tables:
            columns = con.execute("select column_name, data_type from information_schema.columns "
                                  "where table_schema = ? and table_name = ? order by ordinal_position",
                                  [schema, name]).fetchall()
            exprs = [f'round("{c}", 9)' if t in ("DOUBLE", "FLOAT") else f'"{c}"' for c, t in columns]
            rows = con.execute(f'select {", ".join(exprs)} from "{schema}"."{name}"').fetchall()
            found[f"{schema}.{name}"] = Counter(repr(row) for row in rows)
    return found


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """(the +1 built by dbt, the same built by the batch, the batch's events, the Manifest as JSON, the store)."""
    tmp = tmp_path_factory.mktemp("models")
    base, manifest, manifest_json, built = built_by_dbt(tmp, "base")
    assert keep_compiled_models(tmp, KEY, built, manifest_json, base)
    grow(base)
    by_dbt, by_batch = tmp / "dbt" / "gongkai.duckdb", tmp / "batch" / "gongkai.duckdb"
    for copy in (by_dbt, by_batch):
        copy.parent.mkdir()
        shutil.copy(base, copy)
    rebuilt = _dbt(by_dbt, tmp, "build", *CHANGED_MODELS_ONLY, manifest=manifest)
    assert rebuilt.success, rebuilt.exception
    models = kept_compiled_models(tmp, KEY, manifest_json, warehouse_catalog(by_batch, manifest_json))
    assert models is not None, why_dbt_runs(manifest_json)
    batch = ModelBatch(models, manifest_json)
    with duckdb.connect(str(by_batch)) as con:
        events = batch.results(con)
    assert batch.succeeded, batch.errors
    return by_dbt, by_batch, events, manifest_json, tmp


def test_the_batch_builds_what_dbt_builds(both):
    by_dbt, by_batch, events, manifest_json, _ = both
    dbt_tables, batch_tables = every_table(by_dbt), every_table(by_batch)
    assert sorted(dbt_tables) == sorted(batch_tables)
    differ = [name for name in dbt_tables if dbt_tables[name] != batch_tables[name]]
    assert not differ, differ
    assert {"build_state.report_fingerprints", "marts.fct_report_summary", "quality.reconciliation"} <= set(dbt_tables)
    with duckdb.connect(str(by_batch), read_only=True) as con:
        summary = {r for (r,) in con.execute("select report_id from marts.fct_report_summary").fetchall()}
        three_public = con.execute("select actual from marts.fct_three_public where report_id = ? "
                                   "and item = 'total'", [R1]).fetchall()
    assert R_NEW in summary and R2 not in summary and R1 in summary
    assert three_public == [(12.96,)]  # the changed report's rows are its new ones
    assert [e["data"]["node_info"]["unique_id"] for e in events] == [m for m in _dbt_order(manifest_json)]
    assert {(e["info"]["name"], e["data"]["status"]) for e in events} == {("LogModelResult", "success")}


def _dbt_order(manifest_json) -> list[str]:
    from gongkai.pipeline.dbt_graph import topological_order

    batched = batched_models(manifest_json)
    return [uid for uid in topological_order(manifest_json["parent_map"], batched) if uid in batched]


def test_the_project_is_one_the_batch_mirrors(both):
    """The project's materializations, their macros and hooks are those the batch does (a change to any of them makes
    dbt run until the batch is made to do the same and KNOWN_MACROS_SHA256 updated)."""
    manifest_json = both[3]
    assert mirrored_macros_sha256(manifest_json) == KNOWN_MACROS_SHA256
    assert why_dbt_runs(manifest_json) is None
    assert len(batched_models(manifest_json)) > 40


def test_dbt_runs_when_the_batch_cannot_do_exactly(both, monkeypatch):
    _, by_batch, _, manifest_json, store = both
    catalog = warehouse_catalog(by_batch, manifest_json)
    assert kept_compiled_models(store, "another project", manifest_json, catalog) is None
    changed = json.loads(json.dumps(manifest_json))
    changed["macros"]["macro.gongkai.unchanged_reports"]["macro_sql"] += " "
    assert kept_compiled_models(store, KEY, changed, catalog) is None
    hooked = json.loads(json.dumps(manifest_json))
    hooked["nodes"]["model.gongkai.fct_three_public"]["config"]["post-hook"] = [{"sql": "select 1"}]
    assert kept_compiled_models(store, KEY, hooked, catalog) is None
    reading = json.loads(json.dumps(manifest_json))  # compiled from what the key does not cover
    reading["nodes"]["model.gongkai.fct_three_public"]["raw_code"] += "{{ env_var('HOME') }}"
    assert kept_compiled_models(store, KEY, reading, catalog) is None
    with monkeypatch.context() as env:
        env.setenv("DBT_FULL_REFRESH", "true")
        assert kept_compiled_models(store, KEY, manifest_json, catalog) is None
    # a per-report mart whose kept SQL lost its marked predicate
    path = kept_path(store, KEY, SUFFIX)
    kept = json.loads(path.read_text(encoding="utf-8"))
    uid = "model.gongkai.fct_three_public"
    kept["models"][uid] = kept["models"][uid].replace("/* gongkai:report_in", "/* ")
    unmarked = store / "unmarked"
    kept_path(unmarked, KEY, SUFFIX).parent.mkdir(parents=True)
    kept_path(unmarked, KEY, SUFFIX).write_text(json.dumps(kept), encoding="utf-8")
    assert kept_compiled_models(unmarked, KEY, manifest_json, catalog) is None
    assert kept_compiled_models(store, KEY, manifest_json, catalog) is not None
    # a relation that is not there (dropped): dbt creates it
    gone = store / "gone" / "gongkai.duckdb"
    gone.parent.mkdir()
    shutil.copy(by_batch, gone)
    with duckdb.connect(str(gone)) as con:
        con.execute("drop table marts.fct_three_public")
    assert kept_compiled_models(store, KEY, manifest_json, warehouse_catalog(gone, manifest_json)) is None


def test_a_marked_predicate_is_filled_or_fails():
    sql = "select 1 from t as r where /* gongkai:report_in r.report_id */ true /* gongkai:end */ and x"
    assert fill_reports(sql, ["a", "b"]) == "select 1 from t as r where r.report_id in ('a', 'b') and x"
    assert fill_reports(sql, []) == "select 1 from t as r where false and x"
    with pytest.raises(UnfilledMarker):
        fill_reports("select 1 from t where true", ["a"])
    with pytest.raises(UnfilledMarker):
        fill_reports(sql + " /* gongkai:end */", ["a"])


def test_dbt_is_preloaded_only_when_it_will_run(tmp_path, monkeypatch):
    """A run that parses imports dbt in the background only when the models' and tests' SQL is not kept for the dbt
    step's invocation (or the run is a full refresh)."""
    import gongkai.pipeline.run as run
    from gongkai.pipeline.dbt_manifests import manifest_key
    from gongkai.pipeline.dbt_model_batch import batch_is_kept
    from gongkai.pipeline.dbt_test_batch import SUFFIX as TESTS_SUFFIX

    warehouse = str(tmp_path / "build" / "gongkai.duckdb")
    key = manifest_key(tmp_path, warehouse)
    kept_path(tmp_path, key, TESTS_SUFFIX).parent.mkdir(parents=True)
    kept_path(tmp_path, key, TESTS_SUFFIX).write_text("{}", encoding="utf-8")
    assert not batch_is_kept(tmp_path, warehouse)
    kept_path(tmp_path, key, SUFFIX).write_text("{}", encoding="utf-8")
    assert batch_is_kept(tmp_path, warehouse)
    assert not batch_is_kept(tmp_path, warehouse + ".other")
    preloads = []
    monkeypatch.setattr(run, "preload", lambda *args: preloads.append(args))
    for kept, full_refresh in ((True, False), (True, True), (False, False)):
        monkeypatch.setattr(run, "batch_is_kept", lambda *args, kept=kept: kept)
        run.preload_dbt(full_refresh=full_refresh)
    assert len(preloads) == 2
