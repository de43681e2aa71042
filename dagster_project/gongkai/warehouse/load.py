"""The load step: staged reports → the raw schema of a DuckDB file, by the one writer.

:func:`load_staged` creates the raw schema and, per staged report whose content is what the raw folder holds now,
deletes that report's rows and inserts the staged ones. Older versions of a file at the same path keep their
``raw.report_files`` row with ``is_current = false``; their data rows go. Unreadable files are upserted into
``raw.ingest_errors`` (first_seen kept, last_seen updated). Loading the same staged reports twice gives the same rows
in the same order (reports by path, rows in parser order).
"""

from __future__ import annotations

import importlib
import shutil
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa

from gongkai.warehouse.duck import memory_limit, registered, transaction
from gongkai.warehouse.raw_folder import scan_raw
from gongkai.warehouse.rows import ingest_error_row
from gongkai.warehouse.schema import (
    DATA_TABLES,
    RAW_TABLES,
    SCHEMA,
    STATUS_DUPLICATE,
    STATUS_FAILED,
    STATUS_LOADED,
    STATUS_SKIPPED,
    TABLE_COLUMNS,
    create_statements,
)
from gongkai.warehouse.staged import StagedReport, arrow_schema, read_staged

LOAD_STATE = "load_state"  # bookkeeping: which staged version of each report the data rows hold
#: DuckDB's memory while it loads: past it, what was written is evicted to the database file instead of staying in
#: the buffer pool (loading 1,000 generated reports held 110 MB with this limit, 230 MB without).
LOAD_MEMORY_LIMIT = "256MB"


def _add_new_columns(con) -> None:
    """A warehouse built by an older version gains the raw columns added since (NULL until its reports reload)."""
    existing = set(con.execute("SELECT table_name, column_name FROM information_schema.columns "
                               "WHERE table_schema = ?", [SCHEMA]).fetchall())
    for table, columns in TABLE_COLUMNS.items():
        for name, sql_type in columns:
            if (table, name) not in existing:
                con.execute(f"ALTER TABLE {SCHEMA}.{table} ADD COLUMN {name} {sql_type}")


def create_raw_schema(con) -> None:
    """Create the raw schema, adding the columns a warehouse built by an older version lacks (nullable)."""
    for statement in create_statements(SCHEMA):
        con.execute(statement)
    _add_new_columns(con)
    con.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.{LOAD_STATE} "
                "(report_id VARCHAR NOT NULL, parser VARCHAR NOT NULL, file VARCHAR NOT NULL)")


@dataclass
class LoadSummary:
    loaded: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # paths whose content another current file holds
    retired: list[str] = field(default_factory=list)  # report_ids no longer current anywhere
    rows: dict[str, int] = field(default_factory=dict)

    def as_metadata(self) -> dict[str, Any]:
        return {
            "reports_loaded": len(self.loaded),
            "reports_failed": len(self.failed),
            "reports_skipped": len(self.skipped),
            "reports_duplicate": len(self.duplicates),
            "versions_retired": len(self.retired),
            **{f"rows_{t}": n for t, n in sorted(self.rows.items())},
        }


def _upsert_ingest_error(con, err: dict[str, Any], now: datetime) -> None:
    found = con.execute(
        f"SELECT 1 FROM {SCHEMA}.ingest_errors WHERE path = ? AND sha256 = ?", [err["path"], err["sha256"]]
    ).fetchone()
    if found:
        con.execute(
            f"UPDATE {SCHEMA}.ingest_errors SET error_kind = ?, message = ?, last_seen = ? WHERE path = ? AND sha256 = ?",
            [err["error_kind"], err["message"], now, err["path"], err["sha256"]],
        )
    else:
        con.execute(
            f"INSERT INTO {SCHEMA}.ingest_errors (path, sha256, error_kind, message, first_seen, last_seen) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [err["path"], err["sha256"], err["error_kind"], err["message"], now, now],
        )


@dataclass
class _Bookkeeping:
    """What the load writes besides the staged rows, gathered over every report and then written a few statements
    in all (a handful of statements for each report cost ≈ 10 ms a report)."""

    reloaded: list[str] = field(default_factory=list)  # report_ids loaded before whose data rows go
    load_state: list[tuple[str, str, str]] = field(default_factory=list)  # (report_id, parser, file)
    files: list[dict[str, Any]] = field(default_factory=list)  # report_files rows, in path order
    settled: list[tuple[str, str]] = field(default_factory=list)  # (path, sha256) whose ingest error is over
    errors: list[dict[str, Any]] = field(default_factory=list)  # ingest_errors rows


def _write_bookkeeping(con, book: _Bookkeeping, now: datetime) -> None:
    """Delete the reloaded reports' rows, record the new load state, upsert the report_files rows (each current at
    its path, the others at that path not) and the ingest errors, in one transaction."""
    with transaction(con):
        if book.reloaded:
            with registered(con, "_reloaded", pa.table({"report_id": book.reloaded})):
                for table in (*DATA_TABLES, LOAD_STATE):
                    con.execute(f"DELETE FROM {SCHEMA}.{table} WHERE report_id IN (SELECT report_id FROM _reloaded)")
        if book.load_state:
            state = pa.table({name: [entry[i] for entry in book.load_state]
                              for i, name in enumerate(("report_id", "parser", "file"))})
            with registered(con, "_load_state", state):
                con.execute(f"INSERT INTO {SCHEMA}.{LOAD_STATE} SELECT report_id, parser, file FROM _load_state")
        _upsert_report_files(con, book.files, now)
        if book.settled:
            settled = pa.table({"path": [p for p, _ in book.settled], "sha256": [s for _, s in book.settled]})
            with registered(con, "_settled", settled):
                con.execute(f"DELETE FROM {SCHEMA}.ingest_errors e USING _settled s "
                            "WHERE e.path = s.path AND e.sha256 = s.sha256")
        for err in book.errors:
            _upsert_ingest_error(con, err, now)


def _upsert_report_files(con, rows: list[dict[str, Any]], now: datetime) -> None:
    """Each row current at its path (updated if its (report_id, path) is there, inserted in the given order if not);
    the other reports at a path not current — the last row of a path wins, as one upsert after another would."""
    if not rows:
        return
    schema = pa.schema([*arrow_schema("report_files"), pa.field("duplicate_of", pa.string())])
    cols = schema.names
    table = pa.Table.from_pylist(rows, schema=schema).append_column("ord", pa.array(range(len(rows)), pa.int64()))
    last = {row["path"]: row["report_id"] for row in rows}
    current = pa.table({"path": list(last), "report_id": list(last.values())})
    with registered(con, "_files", table), registered(con, "_current_at", current):
        sets = ", ".join(f"{c} = u.{c}" for c in cols)
        con.execute(f"UPDATE {SCHEMA}.report_files f SET {sets}, last_seen = ?, is_current = true FROM _files u "
                    "WHERE f.report_id = u.report_id AND f.path = u.path", [now])
        names = ", ".join(cols)
        con.execute(f"INSERT INTO {SCHEMA}.report_files ({names}, first_seen, last_seen, is_current) "
                    f"SELECT {names}, ?, ?, true FROM _files u WHERE NOT EXISTS (SELECT 1 FROM {SCHEMA}.report_files f "
                    "WHERE f.report_id = u.report_id AND f.path = u.path) ORDER BY u.ord", [now, now])
        con.execute(f"UPDATE {SCHEMA}.report_files f SET is_current = false FROM _current_at u "
                    "WHERE f.path = u.path AND f.report_id <> u.report_id AND f.is_current")


def loaded_versions(con) -> dict[str, str]:
    """report_id → the version of its rows in the raw tables (parser fingerprint and path of the staged copy)."""
    return dict(con.execute(
        f"SELECT report_id, string_agg(parser || '|' || file, ';' ORDER BY file) FROM {SCHEMA}.{LOAD_STATE} "
        "GROUP BY report_id"
    ).fetchall())


def _touch_unchanged_files(con, files: list[tuple[str, str]], now: datetime) -> None:
    """report_files rows of (report_id, path) pairs loaded before and unchanged: seen now, current at their path."""
    if not files:
        return
    pairs = pa.table({"report_id": [r for r, _ in files], "path": [p for _, p in files]})
    with registered(con, "_unchanged_files", pairs), transaction(con):
        con.execute(
            f"UPDATE {SCHEMA}.report_files f SET last_seen = ?, is_current = true FROM _unchanged_files u "
            "WHERE f.report_id = u.report_id AND f.path = u.path",
            [now],
        )
        con.execute(
            f"UPDATE {SCHEMA}.report_files f SET is_current = false FROM _unchanged_files u "
            "WHERE f.path = u.path AND f.report_id <> u.report_id AND f.is_current"
        )


def _delete_report_rows(con, report_id: str) -> None:
    for table in (*DATA_TABLES, LOAD_STATE):
        con.execute(f"DELETE FROM {SCHEMA}.{table} WHERE report_id = ?", [report_id])


#: Rows one INSERT reads from the staged Parquet files at most (a single report with more is inserted alone): the
#: statement sorts what it reads, so one statement for a whole table of 1,000 reports (820,000 cells) took 450 MB.
ROWS_PER_INSERT = 50_000


def _insert_batches(files: list[tuple[str, str, int]], rows: list[int]) -> list[list[tuple[str, str, int]]]:
    """``files`` (parquet file, path, order) cut into consecutive batches of at most ROWS_PER_INSERT rows."""
    batches: list[list[tuple[str, str, int]]] = []
    size = ROWS_PER_INSERT
    for entry, count in zip(files, rows):
        if size + count > ROWS_PER_INSERT:
            batches.append([])
            size = 0
        batches[-1].append(entry)
        size += count
    return batches


def _insert_staged_rows(con, to_insert: list[tuple[StagedReport, str]]) -> None:
    """Insert the staged rows of every (re)loaded report, in path order and each file's row order (so the table reads
    the same on every run), a batch of reports per statement; ``file`` names the report's path."""
    if not to_insert:
        return
    with transaction(con):
        con.execute("CREATE OR REPLACE TEMP TABLE _staged_paths (filename VARCHAR, path VARCHAR, ord INTEGER)")
        for table in DATA_TABLES:
            staged = [(item, str(item.folder / f"{table}.parquet"), path) for item, path in to_insert]
            staged = [(item, name, path, n) for n, (item, name, path) in enumerate(staged) if Path(name).exists()]
            replace = "REPLACE (m.path AS file)" if any(name == "file" for name, _ in TABLE_COLUMNS[table]) else ""
            files = [(name, path, n) for _, name, path, n in staged]
            for batch in _insert_batches(files, [item.row_counts.get(table, 0) for item, *_ in staged]):
                con.execute("DELETE FROM _staged_paths")
                con.executemany("INSERT INTO _staged_paths VALUES (?, ?, ?)", batch)
                con.execute(
                    f"INSERT INTO {SCHEMA}.{table} BY NAME SELECT p.* EXCLUDE (filename, file_row_number) {replace} "
                    "FROM read_parquet(?, filename = true, file_row_number = true, union_by_name = true) p "
                    "JOIN _staged_paths m USING (filename) ORDER BY m.ord, p.file_row_number",
                    [[name for name, _, _ in batch]],
                )
        con.execute("DROP TABLE _staged_paths")


def content_duplicates(pairs: list[tuple[str, StagedReport, dict[str, Any] | None]]) -> dict[str, tuple[str, str]]:
    """report_id → (report_id, path) of the report it duplicates, among the current parsed reports.

    Reports with the same content fingerprint are one report: the one kept is a PDF before a text dump (the
    original document, with real page numbers), then the first path in path order. Decided from the files alone,
    so a rebuild from the same raw folder keeps the same one."""
    groups: dict[str, list[tuple[bool, str, str]]] = {}
    for path, item, row in pairs:
        if row is not None and row["status"] == STATUS_LOADED and row.get("content_fingerprint"):
            groups.setdefault(row["content_fingerprint"], []).append((row["format"] != "pdf", path, item.report_id))
    duplicates: dict[str, tuple[str, str]] = {}
    for members in groups.values():
        _, kept_path, kept_id = min(members)
        for _, _, report_id in members:
            if report_id != kept_id:
                duplicates[report_id] = (kept_id, kept_path)
    return duplicates


def _as_duplicate(row: dict[str, Any], kept_id: str, kept_path: str) -> dict[str, Any]:
    message = (f"the same report as {kept_path} (same department, year, tables and narrative facts once parsed); "
               "recorded, not loaded again")
    return {**row, "status": STATUS_DUPLICATE, "duplicate_of": kept_id, "error_kind": "duplicate_content",
            "error_message": message}


def _as_corrupt(row: dict[str, Any], item: StagedReport) -> dict[str, Any]:
    message = (f"the staged copy of this report (staging/{item.report_id}) does not match the content hash recorded "
               "when it was parsed (changed or damaged since); not loaded — it is parsed again on the next run")
    return {**row, "status": STATUS_FAILED, "error_kind": "staging_corrupt", "error_message": message}


def import_pandas_in_background() -> None:
    """pyarrow imports pandas the first time it builds a table from Python rows — in a run's process, the load's
    bookkeeping (≈ 0.3–0.6 s of CPU): imported now in a thread, while the process waits for something else."""
    if "pandas" not in sys.modules:
        threading.Thread(target=importlib.import_module, args=("pandas",), name="import-pandas", daemon=True).start()


class LoadRefused(Exception):
    """The load would lose the warehouse's reports by mistake (no raw folder, nothing left to load)."""


def load_staged(
    con,
    staging: Path,
    raw_dir: Path,
    *,
    now: datetime | None = None,
    log: Callable[[str], None] | None = None,
    allow_empty: bool = False,
) -> LoadSummary:
    """Load every staged report whose content the raw folder holds now; retire versions it no longer holds.

    ``con`` is a writable DuckDB connection (the only writer). The reports' bookkeeping (report_files, load state,
    ingest errors, the rows of reloaded reports deleted) is one transaction; their rows are inserted in another.
    Raises :class:`LoadRefused`, before changing anything, when the raw folder is missing, or when the warehouse
    holds reports and none would be left (unless ``allow_empty``).
    """
    if not Path(raw_dir).is_dir():
        raise LoadRefused(f"gongkai: the raw folder {raw_dir} does not exist or is not a folder; nothing was loaded")
    with memory_limit(con, LOAD_MEMORY_LIMIT):
        return _load_staged(con, Path(staging), Path(raw_dir), now, log, allow_empty)


def _load_staged(con, staging: Path, raw_dir: Path, now: datetime | None,
                 log: Callable[[str], None] | None, allow_empty: bool) -> LoadSummary:
    now = (now or datetime.now(timezone.utc)).replace(tzinfo=None)
    log = log or (lambda _msg: None)
    create_raw_schema(con)
    current = scan_raw(raw_dir, staging)  # path -> sha256 ('' for refused/unreadable paths)
    summary = LoadSummary()
    staged = read_staged(staging)

    # Current (path, report) pairs, in path order so that loading is deterministic.
    pairs: list[tuple[str, StagedReport, dict[str, Any] | None]] = []
    for item in staged:
        for row in item.files:
            if current.get(row["path"]) == row["sha256"]:
                pairs.append((row["path"], item, row))
        for err in item.errors:
            if not item.files and err["path"] in current and current[err["path"]] == err["sha256"]:
                pairs.append((err["path"], item, None))
    pairs.sort(key=lambda p: (p[0], p[1].report_id))
    duplicates = content_duplicates(pairs)
    if not allow_empty and not any(row is not None and row["status"] == STATUS_LOADED for _, _, row in pairs):
        held = con.execute(f"SELECT count(DISTINCT report_id) FROM {SCHEMA}.report_files "
                           "WHERE is_current AND status = ?", [STATUS_LOADED]).fetchone()[0]
        if held:
            raise LoadRefused(f"gongkai: no report in the raw folder {raw_dir} can be loaded, so this load would "
                              f"remove all {held} reports from the warehouse; refused (run tag "
                              "gongkai/allow_empty=true, or `gongkai run --allow-empty`, to allow it)")
    corrupt: list[Path] = []  # staged folders that fail their hash check: removed, so the next run parses again

    loaded_ids: set[str] = set()
    # An incremental run leaves the rows of a report alone when they came from the same staged version (same content,
    # same parser) under the same path; everything else is deleted and inserted again.
    already = {(r, p, f) for r, p, f in con.execute(f"SELECT report_id, parser, file FROM {SCHEMA}.{LOAD_STATE}").fetchall()}
    present = {r for r, _, _ in already} | {r for (r,) in con.execute(
        f"SELECT DISTINCT report_id FROM {SCHEMA}.report_files WHERE status = ?", [STATUS_LOADED]).fetchall()}
    to_insert: list[tuple[StagedReport, str]] = []
    unchanged_files: list[tuple[str, str]] = []
    book = _Bookkeeping()
    for path, item, row in pairs:
        if row is not None and item.report_id in duplicates:
            row = _as_duplicate(row, *duplicates[item.report_id])
        if row is not None and row["status"] == STATUS_LOADED and (item.report_id, item.parser, path) not in already \
                and not item.intact():
            row = _as_corrupt(row, item)
            item.errors = [*item.errors, ingest_error_row(path, row["sha256"], row["error_kind"], row["error_message"])]
            corrupt.append(item.folder)
        if row is not None and row["status"] == STATUS_LOADED and (item.report_id, item.parser, path) in already:
            # the same staged version under the same path: its rows stay; its report_files row is touched in bulk
            loaded_ids.add(item.report_id)
            unchanged_files.append((item.report_id, path))
            summary.loaded.append(path)
            continue
        if row is not None:
            if item.report_id not in loaded_ids:
                if item.report_id in present:
                    book.reloaded.append(item.report_id)
                if row["status"] == STATUS_LOADED:
                    book.load_state.append((item.report_id, item.parser, path))
                    # The same bytes at several paths share one staged folder, whose rows name the path that
                    # happened to be parsed last; provenance names the first current path (pairs are in path
                    # order), so that the rows do not depend on which parse worker finished first.
                    to_insert.append((item, path))
                loaded_ids.add(item.report_id)
            book.files.append(row)
            if row["status"] != STATUS_FAILED:  # an error of an earlier attempt (a timeout) is over
                book.settled.append((path, row["sha256"]))
            {STATUS_LOADED: summary.loaded, STATUS_FAILED: summary.failed, STATUS_SKIPPED: summary.skipped,
             STATUS_DUPLICATE: summary.duplicates}[row["status"]].append(path)
        else:
            summary.failed.append(path)
        book.errors += [err for err in item.errors if err["path"] == path]
        log(f"loaded {path} ({item.report_id}, {row['status'] if row else 'failed'})")
    _write_bookkeeping(con, book, now)

    for folder in corrupt:
        shutil.rmtree(folder, ignore_errors=True)
    _touch_unchanged_files(con, unchanged_files, now)
    _insert_staged_rows(con, to_insert)

    # Versions the raw folder no longer holds: keep their report_files row, drop their data rows.
    with transaction(con):
        stale = con.execute(
            f"SELECT report_id, path, sha256 FROM {SCHEMA}.report_files WHERE is_current ORDER BY path, report_id"
        ).fetchall()
        for report_id, path, sha in stale:
            if current.get(path) != sha:
                con.execute(
                    f"UPDATE {SCHEMA}.report_files SET is_current = false WHERE report_id = ? AND path = ?",
                    [report_id, path],
                )
        orphans = con.execute(
            f"SELECT DISTINCT report_id FROM {SCHEMA}.report_files WHERE report_id NOT IN "
            f"(SELECT report_id FROM {SCHEMA}.report_files WHERE is_current) ORDER BY report_id"
        ).fetchall()
        for (report_id,) in orphans:
            _delete_report_rows(con, report_id)
            summary.retired.append(report_id)
    for table in RAW_TABLES:
        summary.rows[table] = con.execute(f"SELECT count(*) FROM {SCHEMA}.{table}").fetchone()[0]
    return summary


def current_ingest_errors(con, raw_dir: Path, staging: Path | None = None) -> list[tuple[str, str, str]]:
    """(path, error_kind, message) of the raw.ingest_errors rows for what the raw folder holds now (same path and
    content; refused paths have sha256 ''), in path order. Rows of older contents stay in the table as history."""
    rows = con.execute(f"SELECT path, sha256, error_kind, message FROM {SCHEMA}.ingest_errors ORDER BY path").fetchall()
    if not rows:
        return []  # nothing to match: the raw folder need not be scanned
    current = scan_raw(raw_dir, staging)
    return [(path, kind, message) for path, sha, kind, message in rows if current.get(path) == sha]
