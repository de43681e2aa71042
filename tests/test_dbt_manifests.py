"""dbt's parsed Manifest kept on disk between processes (gongkai.pipeline.dbt_manifests): a cold run loads what the
last parse of the same project, --vars and warehouse produced instead of parsing again; anything else parses."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

from gongkai.pipeline import dbt_manifests
from gongkai.warehouse.paths import DBT_PROJECT_DIR


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small dbt project folder (only its files' content matters to the key), in a process that has none."""
    _new_process()
    folder = tmp_path / "dbt"
    (folder / "models").mkdir(parents=True)
    (folder / "dbt_project.yml").write_text("name: p\n")
    (folder / "models" / "m.sql").write_text("select 1 as x\n")
    return folder


@dataclass
class Parsed:
    """A stand-in for dbt's Manifest (a dataclass, kept by its fields)."""

    parse: int


class Parses:
    """A stand-in for ``dbt parse``: counts its calls, returns a picklable result."""

    def __init__(self, success: bool = True) -> None:
        self.calls = 0
        self.success = success

    def __call__(self):
        self.calls += 1
        return SimpleNamespace(success=self.success, result=Parsed(self.calls) if self.success else None)


def _new_process() -> None:
    dbt_manifests._in_memory.clear()
    dbt_manifests._preloads.clear()


def test_a_new_process_loads_the_manifest_the_last_parse_left(project):
    parse = Parses()
    first, _ = dbt_manifests.parsed_manifest(project, ["/w/gongkai.duckdb"], parse)
    _new_process()
    again, _ = dbt_manifests.parsed_manifest(project, ["/w/gongkai.duckdb"], parse)
    assert parse.calls == 1
    assert again == first == Parsed(1)


def test_a_preload_leaves_the_kept_manifest_in_memory_for_the_step(project):
    """preload (a cold run, while its parse workers read): the step's parsed_manifest finds the Manifest in memory,
    neither parsed nor read again; preloading another warehouse's key leaves the step to read its own."""
    parse = Parses()
    dbt_manifests.parsed_manifest(project, ["/w/gongkai.duckdb"], parse)
    _new_process()
    dbt_manifests.preload(project, ["/w/gongkai.duckdb"])
    dbt_manifests.preload(project, ["/other/gongkai.duckdb"])  # once per process: ignored
    assert len(dbt_manifests._preloads) == 1
    dbt_manifests._preloads[0].join()
    for path in dbt_manifests._path(project, dbt_manifests.manifest_key(project, "/w/gongkai.duckdb")).parent.iterdir():
        path.unlink()  # the step must not need the file: the preload read it
    manifest, _ = dbt_manifests.parsed_manifest(project, ["/w/gongkai.duckdb"], parse)
    assert manifest == Parsed(1) and parse.calls == 1
    _new_process()
    dbt_manifests.preload(project, ["/other/gongkai.duckdb"])
    assert dbt_manifests.parsed_manifest(project, ["/w/gongkai.duckdb"], parse)[0] == Parsed(2)


@pytest.mark.parametrize("change", ["file", "vars", "warehouse"])
def test_anything_the_parse_reads_changed_parses_again(project, change):
    parse = Parses()
    dbt_manifests.parsed_manifest(project, ["/w/gongkai.duckdb"], parse)
    _new_process()
    extra = ["/w/gongkai.duckdb"]
    if change == "file":
        (project / "models" / "m.sql").write_text("select 2 as x\n")
    elif change == "vars":
        extra = ["--vars", '{"a":1}', *extra]
    else:
        extra = ["/other/gongkai.duckdb"]
    manifest, _ = dbt_manifests.parsed_manifest(project, extra, parse)
    assert parse.calls == 2
    assert manifest == Parsed(2)


def test_a_damaged_file_is_parsed_again_and_replaced(project):
    parse = Parses()
    dbt_manifests.parsed_manifest(project, [], parse)
    (stored,) = (project / dbt_manifests.MANIFEST_FOLDER).glob("*.pickle")
    stored.write_bytes(b"not a pickle")
    _new_process()
    manifest, _ = dbt_manifests.parsed_manifest(project, [], parse)
    assert (parse.calls, manifest) == (2, Parsed(2))
    _new_process()
    assert dbt_manifests.parsed_manifest(project, [], parse)[0] == Parsed(2)


def test_a_failed_parse_is_returned_and_not_kept(project):
    failing = Parses(success=False)
    manifest, failed = dbt_manifests.parsed_manifest(project, [], failing)
    assert manifest is None and failed.success is False
    folder = project / dbt_manifests.MANIFEST_FOLDER
    assert not folder.exists() or not list(folder.glob("*.pickle"))
    manifest, _ = dbt_manifests.parsed_manifest(project, [], Parses())
    assert manifest == Parsed(1)


def test_only_the_newest_manifests_are_kept(project):
    for n in range(dbt_manifests.KEPT_MANIFESTS + 2):
        dbt_manifests.parsed_manifest(project, [f"/w{n}/gongkai.duckdb"], Parses())
    assert len(list((project / dbt_manifests.MANIFEST_FOLDER).glob("*.pickle"))) == dbt_manifests.KEPT_MANIFESTS


def test_the_real_project_s_manifest_survives_the_round_trip(tmp_path):
    """dbt's own Manifest pickles and loads back whole (the nodes a build runs, their SQL and config)."""
    from dbt.cli.main import dbtRunner

    from gongkai.pipeline.dbt_project import RUN_FLAGS
    from gongkai.pipeline.resources import temporary_env

    project = tmp_path / "dbt"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    location = ["--project-dir", str(project), "--profiles-dir", str(project), "--target-path", str(tmp_path / "t")]
    with temporary_env(GONGKAI_DBT_PATH=str(tmp_path / "gongkai.duckdb")):
        parsed, _ = dbt_manifests.parsed_manifest(
            project, [], lambda: dbtRunner().invoke(["parse", *RUN_FLAGS, *location]))
    _new_process()
    loaded, _ = dbt_manifests.parsed_manifest(project, [], lambda: pytest.fail("parsed again"))
    assert loaded is not parsed
    assert sorted(loaded.nodes) == sorted(parsed.nodes)
    assert len(loaded.macros) == len(parsed.macros)
    uid = "model.gongkai.fct_expenditure_by_function"
    assert loaded.nodes[uid].raw_code == parsed.nodes[uid].raw_code
    assert loaded.nodes[uid].config.materialized == "report_mart"
    # what a build resolves through the loaded Manifest: refs, sources, docs (dbt's own __reduce_ex__ shifts these
    # lookups by one field, so a build from its pickle failed: RefableLookup.find() missing 'manifest')
    assert loaded.ref_lookup.find("int_reports_preferred", None, None, loaded).unique_id == \
        "model.gongkai.int_reports_preferred"
    assert loaded.resolve_source("raw", "table_cells", "gongkai", None) is not None
    assert loaded.fixtures == parsed.fixtures
