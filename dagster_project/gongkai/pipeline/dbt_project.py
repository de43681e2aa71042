"""The dbt project in dbt/: its manifest.json kept up to date (``dbt parse`` in a subprocess), the per-run target
folders, and the dbt invocation built by a pure function."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai.warehouse.paths import DBT_PROJECT_DIR, dbt_build_path

PARTIAL_PARSE_FILE = "partial_parse.msgpack"
TARGET_FOLDER = "target"
PROJECT_VERSION_ENV = "GONGKAI_DBT_PROJECT_VERSION"
KEPT_INVOCATION_TARGETS = 10  # per-run dbt target folders kept for inspection
#: On every pipeline invocation: the file log at info, not debug (≈ 5,000 lines a run), and no JSON artifacts
#: (manifest.json and run_results.json rewritten on every run; Dagster records each node's result, and
#: partial_parse.msgpack is still written). Together ≈ 1–2 s of dbt's CPU per run.
RUN_FLAGS = ("--log-level-file", "info", "--no-write-json")


@dataclass(frozen=True)
class DbtInvocation:
    """What to run: the dbt CLI arguments and the environment the profile reads (GONGKAI_DBT_PATH)."""

    args: list[str]
    env: dict[str, str] = field(default_factory=dict)


def dbt_invocation(
    warehouse: str | Path,
    *,
    command: str = "build",
    full_refresh: bool = False,
    vars: Mapping[str, Any] | None = None,
    select: Sequence[str] = (),
    project_version: str | None = None,
) -> DbtInvocation:
    """Build the dbt CLI args and env for one run. Pure: same inputs, same output (vars are JSON, keys sorted).

    ``warehouse`` is the DuckDB file dbt writes into (the per-run build copy); it must be absolute because
    dbt-duckdb resolves a relative path against the working directory. ``project_version`` (a hash of the project's
    files) goes into every report's fingerprint (models/intermediate/int_report_fingerprints.sql): a per-report mart
    built by other code rebuilds all its reports.
    """
    warehouse = Path(warehouse)
    if not warehouse.is_absolute():
        raise ValueError(f"the warehouse path given to dbt must be absolute, got {warehouse}")
    args = [command, *RUN_FLAGS]
    if vars:
        args += ["--vars", json.dumps(dict(vars), ensure_ascii=False, sort_keys=True, separators=(",", ":"))]
    if full_refresh and command in ("build", "run", "seed"):
        args.append("--full-refresh")
    if select:
        args += ["--select", *select]
    env = {"GONGKAI_DBT_PATH": str(warehouse)}
    if project_version is not None:
        env[PROJECT_VERSION_ENV] = project_version
    return DbtInvocation(args=args, env=env)


def recorded_project_version(con) -> str | None:
    """The project version whose models built the marts of the warehouse ``con`` is connected to (None: none
    recorded, e.g. a new warehouse)."""
    found = con.execute("SELECT 1 FROM information_schema.tables WHERE table_schema = 'build_state' "
                        "AND table_name = 'project'").fetchone()
    return con.execute("SELECT version FROM build_state.project").fetchone()[0] if found else None


def record_project_version(con, version: str) -> None:
    """After a successful dbt build: the marts of the warehouse were built by project ``version``."""
    con.execute("CREATE SCHEMA IF NOT EXISTS build_state")
    con.execute("CREATE OR REPLACE TABLE build_state.project AS SELECT ?::VARCHAR AS version", [version])


def dbt_project_available(project_dir: Path = DBT_PROJECT_DIR) -> bool:
    return (project_dir / "dbt_project.yml").exists()


PROJECT_FOLDERS = ("models", "macros", "seeds", "tests", "snapshots", "analyses")
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "packages.yml", "dependencies.yml")


def project_files(project_dir: Path) -> list[Path]:
    """Every file dbt reads to parse the project, in a stable order."""
    project_dir = Path(project_dir)
    files = [p for sub in PROJECT_FOLDERS if (project_dir / sub).is_dir()
             for p in (project_dir / sub).rglob("*") if p.is_file()]
    files += [project_dir / name for name in PROJECT_FILES if (project_dir / name).exists()]
    return sorted(files)


def project_fingerprint(project_dir: Path, *extra: str) -> str:
    """A hash of the project's files (paths and contents) and ``extra`` (e.g. the --vars): equal fingerprints
    parse to the same manifest."""
    digest = hashlib.sha256()
    for path in project_files(project_dir):
        digest.update(str(path.relative_to(project_dir)).encode() + b"\0" + path.read_bytes() + b"\0")
    for value in extra:
        digest.update(value.encode() + b"\0")
    return digest.hexdigest()


def _newest_source_mtime(project_dir: Path) -> float:
    return max((path.stat().st_mtime for path in project_files(project_dir)), default=0.0)


def target_dir(project_dir: Path = DBT_PROJECT_DIR) -> Path:
    return Path(project_dir) / TARGET_FOLDER


def prepared_manifest(project_dir: Path = DBT_PROJECT_DIR) -> Path:
    """target/manifest.json, prepared (``dbt parse`` in a subprocess: loading the definitions imports no dbt) when
    missing or older than the project's files.

    The parse sees the profile as the pipeline's runs will (GONGKAI_DBT_PATH = the stable build name), so its
    partial_parse.msgpack, which seeds every invocation's target folder, is valid for them.
    """
    manifest = target_dir(project_dir) / "manifest.json"
    if manifest.exists() and manifest.stat().st_mtime >= _newest_source_mtime(project_dir):
        return manifest
    location = ["--project-dir", str(project_dir), "--profiles-dir", str(project_dir),
                "--target-path", str(target_dir(project_dir))]
    env = {**os.environ, "GONGKAI_DBT_PATH": str(dbt_build_path())}
    if (project_dir / "packages.yml").exists() or (project_dir / "dependencies.yml").exists():
        subprocess.run([dbt_executable(), "deps", "--quiet", *location], env=env, cwd=project_dir, check=True)
    subprocess.run([dbt_executable(), "parse", "--quiet", *location], env=env, cwd=project_dir, check=True)
    return manifest


def keep_partial_parse(invocation_target: Path, *folders: Path) -> None:
    """Copy a finished invocation's partial_parse.msgpack into each folder (the project's target folder and the
    warehouse's own dbt folder, from where :func:`invocation_target` seeds the next invocation): the next run parses
    only what changed.
    Atomic replace; a missing file is no error."""
    source = Path(invocation_target) / PARTIAL_PARSE_FILE
    if not source.exists():
        return
    for folder in folders:
        if Path(invocation_target).resolve() == Path(folder).resolve():
            continue
        Path(folder).mkdir(parents=True, exist_ok=True)
        tmp = Path(folder) / f".{PARTIAL_PARSE_FILE}.{os.getpid()}"
        shutil.copyfile(source, tmp)
        os.replace(tmp, Path(folder) / PARTIAL_PARSE_FILE)


def prune_invocation_targets(root: Path, keep: int = KEPT_INVOCATION_TARGETS) -> list[Path]:
    """Remove all but the ``keep`` newest per-run target folders (compiled SQL, logs, run_results of earlier runs:
    several MB each, one per run). Returns the removed folders."""
    folders = sorted((p for p in Path(root).glob("gongkai_dbt-*") if p.is_dir()), key=lambda p: p.stat().st_mtime)
    removed = folders[:-keep] if keep > 0 else folders
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed


def invocation_target(project_dir: Path, run_id: str, saved_state: Path) -> Path:
    """A fresh target folder for one dbt invocation, seeded with the partial_parse.msgpack this warehouse's last
    run left in ``saved_state`` (its profile points at this warehouse's stable build name, so it stays valid even
    when other warehouses were built in between), else with the project target's (``dbt parse`` at definitions
    load, or the last run of any warehouse)."""
    root = target_dir(project_dir)
    prune_invocation_targets(root)
    target = root / f"gongkai_dbt-{run_id[:8]}-{uuid.uuid4().hex[:7]}"
    target.mkdir(parents=True)
    for source in (Path(saved_state) / PARTIAL_PARSE_FILE, root / PARTIAL_PARSE_FILE):
        if source.exists():
            shutil.copyfile(source, target / PARTIAL_PARSE_FILE)
            break
    return target


def dbt_executable() -> str:
    """The dbt next to this interpreter (the venv's), so it works without an activated venv."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"
