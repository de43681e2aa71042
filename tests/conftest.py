"""Shared fixtures. The end-to-end warehouse is materialized ONCE per session (it runs parse → dbt → checks)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "raw"
LIAONING = "000_c669139aa1fe8f20.txt"
SHANGHAI = "2024_shpt-czj_final.pdf"


@contextmanager
def environment(**values: str) -> Iterator[None]:
    """Environment variables set for a block and put back as they were after it (a run reads GONGKAI_RAW and
    GONGKAI_WAREHOUSE from the environment)."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in values.items():
            patch.setenv(key, value)
        yield


def query(warehouse: Path, sql: str, params=None) -> list[tuple]:
    """The rows of ``sql`` on the warehouse, opened read-only for the one query."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def module_exists(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


@pytest.fixture(scope="session")
def e2e(tmp_path_factory):
    """Run the whole pipeline in-process on a copy of the bundled raw/ into a temporary warehouse.

    Yields a dict: warehouse path, raw dir, the ExecuteInProcessResult and the printed summary.
    """
    if not module_exists("gongkai.extract.parser"):
        pytest.skip("the extraction library (gongkai.extract.parser) is not there yet")
    from gongkai.pipeline.run import run_pipeline

    base = tmp_path_factory.mktemp("e2e")
    raw = base / "raw"
    shutil.copytree(RAW, raw)
    warehouse = base / "warehouse" / "gongkai.duckdb"
    # a persistent instance (not an ephemeral one): tests/test_browser.py serves the Dagster UI from this run
    import dagster as dg

    home = base / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    with environment(GONGKAI_RAW=str(raw), GONGKAI_WAREHOUSE=str(warehouse)):
        instance = dg.DagsterInstance.from_config(str(home))
        try:
            result, summary = run_pipeline(instance=instance)
            yield {"warehouse": warehouse, "raw": raw, "result": result, "summary": summary, "dagster_home": home}
        finally:
            instance.dispose()


@pytest.fixture()
def env_paths(tmp_path, monkeypatch):
    """A private raw folder and warehouse path for one test (environment variables set)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    warehouse = tmp_path / "warehouse" / "gongkai.duckdb"
    monkeypatch.setenv("GONGKAI_RAW", str(raw))
    monkeypatch.setenv("GONGKAI_WAREHOUSE", str(warehouse))
    return raw, warehouse


# --- parsed real reports (shared by the extraction tests) ---------------------------------------------------------

import sys  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))  # tests/golden.py
SEED = RAW / LIAONING
SHANGHAI_PDF = RAW / SHANGHAI
SHARED_CORPUS = REPO.parent / "shared" / "corpus"


def shared_file(name: str) -> Path:
    """../shared/corpus/NAME, or the test skipped, saying so, where it is absent (a fresh clone has no ../shared)."""
    path = SHARED_CORPUS / name
    if not path.is_file():
        pytest.skip(f"{name} is not available (../shared/corpus)")
    return path


@pytest.fixture(scope="session")
def parse_budget():
    """name → the real budget ../shared/corpus/budget/NAME.pdf parsed, once per session (several test modules read
    the same budgets; a test that changes a report makes a copy)."""
    from gongkai.extract.parser import parse_file

    cache: dict[str, object] = {}

    def parse(name: str):
        if name not in cache:
            cache[name] = parse_file(SHARED_CORPUS / "budget" / f"{name}.pdf")
        return cache[name]

    return parse


@pytest.fixture(scope="session")
def seed_report():
    from gongkai.extract.parser import parse_file

    return parse_file(SEED)


@pytest.fixture(scope="session")
def shanghai_report():
    from gongkai.extract.parser import parse_file

    return parse_file(SHANGHAI_PDF)
