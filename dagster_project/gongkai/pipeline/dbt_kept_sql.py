"""SQL dbt compiled, kept for the runs that run it without dbt (编译结果留存): the data tests'
(gongkai.pipeline.dbt_test_batch) and the models' (gongkai.pipeline.dbt_model_batch), each in a file of its own
beside the kept Manifest (gongkai.pipeline.dbt_manifests) under the same key — project files, --vars, warehouse path,
dbt and Python versions — with a hash of the columns of every relation the project names, against which it was
compiled. A run reads the warehouse's catalog once (:func:`warehouse_catalog`) for both.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gongkai.pipeline.dbt_manifests import KEPT_MANIFESTS, MANIFEST_FOLDER, manifest_key


@dataclass(frozen=True)
class Catalog:
    """What kept SQL is checked against in a warehouse: its relations' columns (a hash) and its base tables."""

    columns: str
    tables: frozenset[tuple[str, str]]  # (schema, name) of every base table


def batch_key(project_dir: Path, args: Sequence[str], warehouse: str) -> str:
    """The kept Manifest's key of this invocation (gongkai.pipeline.dbt_runner._invoke parses with the same)."""
    vars_args = list(args[args.index("--vars"):args.index("--vars") + 2]) if "--vars" in args else []
    return manifest_key(project_dir, *vars_args, warehouse)


def relation_columns(con, manifest: Mapping[str, Any]) -> str:
    """A hash of the columns (name, type, position) of every relation the project's models, seeds and sources name."""
    named = {(node["schema"], node.get("alias") or node["name"]) for node in manifest["nodes"].values()
             if node["resource_type"] in ("model", "seed", "snapshot")}
    named |= {(source["schema"], source.get("identifier") or source["name"])
              for source in manifest.get("sources", {}).values()}
    rows = con.execute("SELECT table_schema, table_name, column_name, data_type, ordinal_position "
                       "FROM information_schema.columns WHERE table_catalog = current_database() "
                       "ORDER BY ALL").fetchall()
    kept = [row for row in rows if (row[0], row[1]) in named]
    return hashlib.sha256(json.dumps(kept, default=str).encode()).hexdigest()


def warehouse_catalog(warehouse: Path, manifest: Mapping[str, Any]) -> Catalog | None:
    """The catalog of ``warehouse`` as it is now; None when it is missing or held by a writer (dbt runs)."""
    if not Path(warehouse).exists():
        return None
    import duckdb

    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return None
    try:
        tables = con.execute("SELECT table_schema, table_name FROM information_schema.tables "
                             "WHERE table_catalog = current_database() AND table_type = 'BASE TABLE'").fetchall()
        return Catalog(relation_columns(con, manifest), frozenset(tables))
    finally:
        con.close()


def read_kept(project_dir: Path, key: str, suffix: str) -> dict[str, Any] | None:
    """The contents kept under ``key`` with ``suffix``; None when there is none or it cannot be read. Marked in use
    (the last to be pruned by :func:`write_kept`, as the kept Manifest): a warehouse whose runs only read its SQL
    must not lose it to others' writes."""
    path = kept_path(project_dir, key, suffix)
    try:
        contents = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(contents, dict):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)
    return contents


def kept_path(project_dir: Path, key: str, suffix: str) -> Path:
    return Path(project_dir) / MANIFEST_FOLDER / f"{key}{suffix}"


def write_kept(project_dir: Path, key: str, suffix: str, contents: Mapping[str, Any]) -> None:
    """Atomic; the oldest with ``suffix`` beyond :data:`KEPT_MANIFESTS` go. A folder that cannot be written keeps
    nothing."""
    path = kept_path(project_dir, key, suffix)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(contents, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        return
    kept = sorted(path.parent.glob(f"*{suffix}"), key=_modified, reverse=True)
    for old in kept[KEPT_MANIFESTS:]:
        with contextlib.suppress(OSError):
            old.unlink()


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
