"""dbt's parsed Manifest of the project, kept in this process and on disk, keyed by what it was parsed from.

A cold ``gongkai run`` would otherwise parse the project before its build (``dbt parse``, ≈ 1.5–2 s of CPU even
when partial: reading partial_parse.msgpack, hashing every file, checking each node); loading the Manifest this
project parsed to last time is ≈ 0.2 s. The key is :func:`project_fingerprint` of the project's files with the
--vars and the warehouse path (each node's database is the file's name), and the versions of dbt, its DuckDB
adapter and Python: equal keys parse to the same Manifest. The files sit in the project's target folder (written by
this process only, never a user's input).

A cold run that will run dbt imports dbt and reads the kept Manifest in a background thread (:func:`preload`) while
its parse workers read the new reports: the dbt step then finds both done.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib.metadata
import os
import pickle
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from gongkai.pipeline.dbt_project import project_fingerprint

MANIFEST_FOLDER = Path("target") / "manifests"  # under the project folder
KEPT_MANIFESTS = 4  # one per warehouse and --vars in use
_in_memory: dict[str, Any] = {}  # key → Manifest (one entry: the current project)
_preloads: list[threading.Thread] = []  # the one preload thread of this process, once started


def manifest_key(project_dir: Path, *extra: str) -> str:
    """What a parse of ``project_dir`` depends on: its files, ``extra`` (--vars, warehouse), the dbt and Python
    versions (a pickled Manifest is only read back by the same code)."""
    versions = [importlib.metadata.version(package) for package in ("dbt-core", "dbt-duckdb")] + [sys.version]
    return hashlib.sha256("\0".join([project_fingerprint(project_dir, *extra), *versions]).encode()).hexdigest()


def parsed_manifest(project_dir: Path, extra: Sequence[str], parse: Callable[[], Any]) -> tuple[Any, Any]:
    """The Manifest of ``project_dir`` as parsed with ``extra``: from this process's memory, else from the project's
    target folder, else ``parse()`` (dbt's result: its ``result`` is the Manifest) and kept in both.
    Returns (manifest, None), or (None, the failed parse's result)."""
    for thread in _preloads:
        thread.join()
    key = manifest_key(project_dir, *extra)
    manifest = _in_memory.get(key)
    if manifest is None:
        manifest = _read(_path(project_dir, key))
    if manifest is None:
        parsed = parse()
        if not parsed.success:
            return None, parsed
        manifest = parsed.result
        _write(project_dir, key, manifest)
    _in_memory.clear()
    _in_memory[key] = manifest
    return manifest, None


def preload(project_dir: Path, extra: Sequence[str]) -> None:
    """Import dbt-core with its DuckDB adapter and read the Manifest kept for ``project_dir`` parsed with ``extra``
    into this process's memory, in a background thread (once per process; :func:`parsed_manifest` waits for it).
    dbt's import is ≈ 2 s of CPU: started while the run's own thread waits for its parse workers, it takes the
    time of a core that would idle. Nothing kept (another warehouse, a changed project): only the import is done."""
    if _preloads:
        return
    thread = threading.Thread(target=_preload, args=(Path(project_dir), list(extra)), name="dbt-preload",
                              daemon=True)
    _preloads.append(thread)
    thread.start()


def _preload(project_dir: Path, extra: list[str]) -> None:
    import dbt.adapters.duckdb  # noqa: F401  (what the dbt step imports: dbt's runner and the adapter)
    import dbt.cli.main  # noqa: F401

    key = manifest_key(project_dir, *extra)
    manifest = _in_memory.get(key) or _read(_path(project_dir, key))
    if manifest is not None:
        _in_memory.clear()
        _in_memory[key] = manifest


def _path(project_dir: Path, key: str) -> Path:
    return Path(project_dir) / MANIFEST_FOLDER / f"{key}.pickle"


def _read(path: Path) -> Any:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        kind, fields = pickle.loads(data)
        manifest = kind(**fields)
    except Exception:  # noqa: BLE001 - a file damaged or left by other code: parse again (and replace it)
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # in use: the last to be pruned
    return manifest


def _write(project_dir: Path, key: str, manifest: Any) -> None:
    """Atomic: another process reads either the whole file or none; the oldest beyond :data:`KEPT_MANIFESTS` go.
    A folder that cannot be written (a read-only checkout) keeps nothing: the next process parses."""
    path = _path(project_dir, key)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(pickle.dumps(_contents(manifest), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        return
    kept = sorted(path.parent.glob("*.pickle"), key=_modified, reverse=True)
    for old in kept[KEPT_MANIFESTS:]:
        with contextlib.suppress(OSError):
            old.unlink()


def _contents(manifest: Any) -> tuple[type, dict[str, Any]]:
    """The Manifest's class and its public fields, from which it is built again (its lookups and lock are made
    anew). Not dbt's own pickling: its ``__reduce_ex__`` leaves ``fixtures`` out of the positional fields, so every
    lookup after it lands one field off (a build from it failed: RefableLookup.find() missing 'manifest')."""
    return type(manifest), {f.name: getattr(manifest, f.name) for f in dataclasses.fields(manifest)
                            if not f.name.startswith("_")}


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed by another process meanwhile
        return 0.0
