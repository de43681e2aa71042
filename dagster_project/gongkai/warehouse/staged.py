"""The staging area on disk: ``staging/<report_id>/`` holds one Parquet file per raw table that has rows, plus
``_meta.json`` (a table without rows has no file: writing 14 files a report cost more than parsing it).

A staged folder is written into a temp folder and renamed into place, so a reader never sees half a report. Its
``_meta.json`` holds the parser version that staged it, the ``report_files`` and ``ingest_errors`` rows and the row
count of every table, so that the cache check and the loader read one small file. Two paths holding the same bytes
share one folder (one ``report_files`` row per path), merged under a per-report file lock.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from gongkai.warehouse.fingerprints import FingerprintCache
from gongkai.warehouse.raw_folder import file_fingerprint, report_id_for
from gongkai.warehouse.schema import DATA_TABLES, STATUS_LOADED, TABLE_COLUMNS

#: Columns of report_files the load step fills in (not staged).
LOAD_COLUMNS = ("duplicate_of", "first_seen", "last_seen", "is_current")
#: Version of what a staged folder holds (columns, _meta.json); part of the staged version, so a change re-stages.
STAGED_FORMAT = "4"
#: Error kinds that are not cached in staging: the next run parses the file again (a killed or never-started
#: worker may be the machine's fault). A timeout or memory_limit is cached: not parsed again until the file changes.
RETRY_KINDS = frozenset({"parser_died", "worker_not_started"})

_TYPES = {
    "VARCHAR": pa.string(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
}


def staged_columns(table: str) -> list[tuple[str, str]]:
    cols = TABLE_COLUMNS[table]
    if table == "report_files":
        cols = [c for c in cols if c[0] not in LOAD_COLUMNS]
    if table == "ingest_errors":
        cols = [c for c in cols if c[0] not in ("first_seen", "last_seen")]
    return cols


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([(name, _TYPES[sql_type]) for name, sql_type in staged_columns(table)])


@dataclass
class StageResult:
    """What the parse step did with one file."""

    path: str
    report_id: str
    sha256: str
    status: str  # loaded (= parsed, ready to load) | failed | skipped
    staged_dir: Path | None
    error_kind: str | None = None
    message: str | None = None
    row_counts: dict[str, int] = field(default_factory=dict)
    department: str | None = None
    fiscal_year: int | None = None
    kind: str | None = None
    #: table → the staged rows a report partition's metadata shows (pipeline/report_metadata.py), as the worker that
    #: staged them had them (a check that did not fail: its status only); None: read them from the staged Parquet
    shown: dict[str, list[dict[str, Any]]] | None = None

    def summary(self) -> str:
        if self.status == STATUS_LOADED:
            total = sum(self.row_counts.values())
            return f"{self.path}: parsed ({self.department or '?'} {self.fiscal_year or '?'}), {total} rows staged"
        return f"{self.path}: {self.status} [{self.error_kind}] {self.message}"


@functools.cache
def parser_fingerprint() -> str:
    """A hash of the extraction library's and the review's source and of the staged format: staged output of another
    parser, review version or format is parsed again."""
    import gongkai.extract as extract
    import gongkai.review as review

    digest = hashlib.sha256(STAGED_FORMAT.encode())
    for package in (extract, review):
        root = Path(package.__file__).parent
        for path in sorted(root.rglob("*.py")):
            digest.update(f"{package.__name__}/{path.relative_to(root).as_posix()}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# ----------------------------------------------------------------------------------------------------------------
# Writing


def _write_table(rows: list[dict[str, Any]], table: str, path: Path) -> None:
    schema = arrow_schema(table)
    columns = {name: [r.get(name) for r in rows] for name in schema.names}
    # no column statistics: the loader reads every row of every file (no filter to skip row groups with), and
    # computing them was a fifth of staging a report
    pq.write_table(pa.table(columns, schema=schema), path, write_statistics=False)


def write_staged(staging: Path, report_id: str, tables: dict[str, list[dict[str, Any]]]) -> Path:
    """Write a report's staged tables atomically: into a temp folder, then rename it into place. Only tables with rows
    get a file; ``_meta.json`` records the sha256 of each file written."""
    staging.mkdir(parents=True, exist_ok=True)
    final = staging / report_id
    tmp = Path(tempfile.mkdtemp(prefix=f".{report_id}.", dir=staging))
    try:
        written = [table for table, rows in tables.items() if rows]
        for table in written:
            _write_table(tables[table], table, tmp / f"{table}.parquet")
        meta = {**_staged_meta(tables), "sha256": {t: _file_sha256(tmp / f"{t}.parquet") for t in written}}
        (tmp / "_meta.json").write_text(json.dumps(meta, ensure_ascii=False))
        old = None
        if final.exists():
            old = staging / f".{report_id}.old.{os.getpid()}"
            os.replace(final, old)
        os.replace(tmp, final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return final


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _staged_meta(tables: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return {
        "parser": parser_fingerprint(),
        "report_files": tables.get("report_files", []),
        "ingest_errors": tables.get("ingest_errors", []),
        "row_counts": {t: len(tables.get(t, [])) for t in DATA_TABLES},
    }


@contextmanager
def staging_lock(staging: Path, report_id: str):
    """An exclusive lock on one staged report (fcntl.flock; none where fcntl is missing). Two paths holding the same
    bytes share a staged folder: without the lock, two parse workers would each read the old report_files.parquet
    and the second rename would drop the first path's row."""
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    Path(staging).mkdir(parents=True, exist_ok=True)
    with open(Path(staging) / f".{report_id}.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def merge_report_files(final_dir: Path, row: dict[str, Any]) -> list[dict[str, Any]]:
    """The same content at several paths shares a report_id: keep one report_files row per path."""
    existing = final_dir / "report_files.parquet"
    rows: list[dict[str, Any]] = []
    if existing.exists():
        try:
            rows = [r for r in pq.read_table(existing).to_pylist() if r["path"] != row["path"]]
        except Exception:  # a broken staged file is rewritten
            rows = []
    rows.append(row)
    return sorted(rows, key=lambda r: r["path"])


def write_staged_file(staging: Path, report_id: str, tables: dict[str, list[dict[str, Any]]]) -> Path:
    """Stage one path's tables: its report_files row is merged with those of other paths holding the same bytes."""
    [row] = tables["report_files"]
    with staging_lock(staging, report_id):
        tables["report_files"] = merge_report_files(staging / report_id, row)
        return write_staged(staging, report_id, tables)


# ----------------------------------------------------------------------------------------------------------------
# Reading


#: The _meta.json files this process has read: path → (its stat, what it said). A staged folder is renamed into place
#: whole, so a meta with the same stat says the same: a run looks at every report's three times (which files to
#: parse, before and in the run; the load) and ``gongkai run --watch`` again at every run — one read, then stats
#: (≈ 6 KB a report held; forgotten past this many).
_METAS_READ: dict[str, tuple[tuple[int, ...], dict[str, Any]]] = {}
MAX_METAS_KEPT = 20_000


def read_meta(folder: Path | str) -> dict[str, Any]:
    """A staged folder's _meta.json (not to be changed: it may be handed out again); the rows and counts are read
    from its Parquet files if the meta predates them."""
    path = os.path.join(folder, "_meta.json")  # (a string: a run reads every report's)
    info = os.stat(path)
    key = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
    kept = _METAS_READ.get(path)
    if kept is not None and kept[0] == key:
        return kept[1]
    with open(path, encoding="utf-8") as handle:
        meta = json.load(handle)
    if "report_files" not in meta:
        folder = Path(folder)
        meta["report_files"] = _parquet_rows(folder / "report_files.parquet")
        meta["ingest_errors"] = _parquet_rows(folder / "ingest_errors.parquet")
        meta["row_counts"] = {t: _parquet_count(folder / f"{t}.parquet") for t in DATA_TABLES}
    if len(_METAS_READ) >= MAX_METAS_KEPT:
        _METAS_READ.clear()
    _METAS_READ[path] = (key, meta)
    return meta


def _parquet_rows(path: Path) -> list[dict[str, Any]]:
    return pq.read_table(path).to_pylist() if path.exists() else []


def _parquet_count(path: Path) -> int:
    try:
        return pq.read_metadata(path).num_rows
    except (OSError, pa.ArrowException):
        return 0


@dataclass
class StagedReport:
    """One staged folder, as the loader reads it."""

    report_id: str
    folder: Path
    files: list[dict[str, Any]]  # report_files rows (one per path)
    errors: list[dict[str, Any]]  # ingest_errors rows
    parser: str = ""  # the parser version that staged it
    hashes: dict[str, str] = field(default_factory=dict)  # table → sha256 of its Parquet file, as written
    row_counts: dict[str, int] = field(default_factory=dict)  # table → rows staged

    def intact(self) -> bool:
        """Every data table's Parquet file is the one the parse step wrote (sha256 as recorded in _meta.json), and a
        table it wrote no file for (no rows) has none."""
        try:
            return all(_file_sha256(self.folder / f"{t}.parquet") == self.hashes[t] if t in self.hashes
                       else not (self.folder / f"{t}.parquet").exists() for t in DATA_TABLES)
        except OSError:
            return False


def read_staged(staging: Path) -> list[StagedReport]:
    out: list[StagedReport] = []
    if not Path(staging).is_dir():
        return out
    with os.scandir(staging) as entries:
        names = sorted(e.name for e in entries if not e.name.startswith(".") and e.is_dir())
    for name in names:
        folder = Path(staging) / name
        try:
            meta = read_meta(folder)
        except (OSError, ValueError):  # no _meta.json: a folder that was never completely staged
            continue
        out.append(StagedReport(folder.name, folder, meta["report_files"], meta["ingest_errors"],
                                meta.get("parser", ""), meta.get("sha256", {}),
                                {t: int(n) for t, n in meta.get("row_counts", {}).items()}))
    return out


def staged_result(
    raw_dir: Path, rel_path: str, staging: Path, cache: FingerprintCache | None = None
) -> StageResult | None:
    """The staged result for the file's current content if it was staged by this parser version, else None."""
    found = _staged_row(raw_dir, rel_path, staging, cache)
    if found is None:
        return None
    folder, meta, row = found
    counts = {t: int(meta["row_counts"].get(t, 0)) for t in DATA_TABLES}
    return StageResult(
        rel_path,
        report_id_for(row["sha256"]),
        row["sha256"],
        row["status"],
        Path(folder),
        row["error_kind"],
        row["error_message"],
        row_counts=counts if row["status"] == STATUS_LOADED else {},
        department=row["department"],
        fiscal_year=row["fiscal_year"],
        kind=row["kind"],
    )


def _staged_row(raw_dir: Path, rel_path: str, staging: Path, cache: FingerprintCache | None, *,
                raw_root: str | None = None) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
    """(staged folder, its meta, the file's report_files row) when the file's current content was staged by this
    parser version for this path (not as an error worth retrying), else None. ``raw_root``: ``raw_dir`` resolved
    (:func:`~gongkai.warehouse.raw_folder.safe_path`)."""
    sha = file_fingerprint(raw_dir, rel_path, cache, raw_root=raw_root)
    if not sha:
        return None
    folder = os.path.join(staging, report_id_for(sha))
    try:
        meta = read_meta(folder)
    except (OSError, ValueError, pa.ArrowException):
        return None
    if meta.get("parser") != parser_fingerprint():
        return None
    for row in meta["report_files"]:
        if row["path"] == rel_path and row["sha256"] == sha:
            # an error that may not happen next time (a loaded machine, a killed worker) is tried again
            return None if row["error_kind"] in RETRY_KINDS else (folder, meta, row)
    return None


def stale_files(raw_dir: Path, rel_paths, staging: Path) -> list[str]:
    """The files a run must parse: those not staged for their current content by this parser version."""
    cache = FingerprintCache(Path(staging))
    root = os.path.realpath(raw_dir)
    stale = [rel for rel in rel_paths if _staged_row(raw_dir, rel, staging, cache, raw_root=root) is None]
    cache.save()
    return stale
