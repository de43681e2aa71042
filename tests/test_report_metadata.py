"""What the Dagster UI shows per report partition: the parsed_report step (the real Dagster asset) on the bundled
Liaoning text report (辽宁省数据局 2024 部门决算: its 9 tables; 2 checks fail — the narrative's
project execution rate 89% against 70.02% recomputed from the project table) and a file that is no report."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest

from gongkai.pipeline.report_metadata import failed_checks_markdown

RAW = Path(__file__).resolve().parents[1] / "raw"
LIAONING = "000_c669139aa1fe8f20.txt"


@pytest.fixture(scope="module")
def partitions(tmp_path_factory) -> dict[str, dict]:
    from gongkai.pipeline.assets import parsed_report, report_files_partitions
    from gongkai.pipeline.resources import WarehouseResource

    tmp = tmp_path_factory.mktemp("report_metadata")
    raw = tmp / "raw"
    raw.mkdir()
    shutil.copy(RAW / LIAONING, raw / LIAONING)
    (raw / "broken.pdf").write_bytes(b"%PDF-1.4 not a report")
    keys = [LIAONING, "broken.pdf"]
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(report_files_partitions.name, keys)
        result = dg.materialize(
            [parsed_report], instance=instance,
            resources={"gongkai": WarehouseResource(raw=str(raw), warehouse=str(tmp / "wh" / "gongkai.duckdb"))},
            tags={"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]},
        )
        assert result.success
        found = {}
        for key in keys:
            [record] = instance.fetch_materializations(
                dg.AssetRecordsFilter(asset_key=dg.AssetKey("parsed_report"), asset_partitions=[key]), limit=1
            ).records
            found[key] = {name: value.value for name, value in record.asset_materialization.metadata.items()}
    return found


def test_a_report_partition_names_its_report_and_verdict(partitions):
    meta = partitions[LIAONING]
    assert (meta["department"], meta["fiscal_year"], meta["kind"], meta["status"]) == (
        "辽宁省数据局", 2024, "决算 final accounts", "loaded")
    assert meta["tables_read"] == "9 of 9 tables (national set)"  # labelled 公开01表 … 公开09表
    from gongkai.extract.parser import parse_file

    statuses = [c.status for c in parse_file(RAW / LIAONING).checks]
    assert meta["checks"] == (f"{statuses.count('pass')} pass / {statuses.count('fail')} fail / "
                              f"{statuses.count('not_run')} not run")
    assert meta["checks_failed"] == 2
    assert "全省营商环境建设项目经费" in meta["failed_checks"] and "| 89.00 |" in meta["failed_checks"]
    assert meta["batch_files"] == 2  # the run's counts too


def test_an_unreadable_file_says_why(partitions):
    meta = partitions["broken.pdf"]
    assert meta["status"] == "failed" and meta["error"].startswith("[")
    assert "checks" not in meta


def test_failed_checks_table_shows_the_first_twenty_of_all():
    checks = [dict(check_name=f"c{i}", status="fail", expected=1.0, actual=2.0, difference=-1.0, detail="x",
                   file="f.pdf", page=i) for i in range(25)] + [dict(check_name="ok", status="pass")]
    text = failed_checks_markdown(checks)
    assert text.startswith("25 failed checks, the first 20:")
    assert text.count("| f.pdf |") == 20 and "| c19 |" in text and "| c20 |" not in text
    assert failed_checks_markdown(checks[-1:]) == "none"


def test_metadata_from_the_workers_rows_is_the_staged_parquets(tmp_path):
    """A fresh parse hands its partition's rows back with the result; a report staged by an earlier run is read
    from its Parquet. Both give the same metadata: the Liaoning report (2 failed checks, a review finding, 36
    pages) and the Putuo final PDF (2 checks not run)."""
    import dataclasses

    from gongkai.pipeline.report_metadata import report_metadata
    from gongkai.warehouse.staging import stage_file

    found = {}
    for name in (LIAONING, "2024_shpt-czj_final.pdf"):
        result = stage_file(RAW, name, tmp_path / "staging")
        assert result.shown is not None
        found[name] = report_metadata(result)
        assert found[name] == report_metadata(dataclasses.replace(result, shown=None))
    assert (found[LIAONING]["pages"], found[LIAONING]["checks_failed"], found[LIAONING]["review_findings"]) == (36, 2, 1)
    assert "| 89.00 |" in found[LIAONING]["failed_checks"].value
    assert found["2024_shpt-czj_final.pdf"]["checks"].endswith("/ 0 fail / 2 not run")


def test_partition_metadata_is_added_in_one_step(monkeypatch):
    """add_partition_metadata gives each partition's materialization its own metadata, merged with what the public
    call added before, without Dagster's per-call partition check (quadratic: it lists the instance's partitions);
    a key the run does not target is refused."""
    from gongkai.pipeline.report_metadata import add_partition_metadata

    partitions = dg.DynamicPartitionsDefinition(name="files")
    keys = ["a.pdf", "b.pdf", "c.pdf"]

    @dg.asset(partitions_def=partitions, backfill_policy=dg.BackfillPolicy.single_run())
    def files(context):
        context.add_asset_metadata({"first": 1, "n": 0}, partition_key="b.pdf")
        context.add_asset_metadata({"batch": 3})
        with monkeypatch.context() as patch:
            patch.setattr(dg.AssetExecutionContext, "add_asset_metadata", None)  # the one-step path only
            add_partition_metadata(context, {key: {"n": i} for i, key in enumerate(keys)})
        with pytest.raises(dg.DagsterInvariantViolationError, match="does not target"):
            add_partition_metadata(context, {"z.pdf": {"n": 9}})
        return dg.MaterializeResult()

    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(partitions.name, keys)
        assert dg.materialize([files], instance=instance, tags={
            "dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]}).success
        found = {}
        for key in keys:
            [record] = instance.fetch_materializations(
                dg.AssetRecordsFilter(asset_key=files.key, asset_partitions=[key]), limit=1).records
            found[key] = {name: value.value for name, value in record.asset_materialization.metadata.items()}
    assert found == {"a.pdf": {"batch": 3, "n": 0}, "b.pdf": {"batch": 3, "first": 1, "n": 1},
                     "c.pdf": {"batch": 3, "n": 2}}
