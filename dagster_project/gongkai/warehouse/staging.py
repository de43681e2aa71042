"""The parse step: a raw file → its rows staged as Parquet under ``staging/<report_id>/`` (see staged.py).

:func:`stage_file` reads one file under the raw folder (never changing, moving or deleting it), parses it and stages
its rows. A file that cannot be read is staged as error rows (``report_files`` with status 'failed' and
``ingest_errors``); a budget (部门预算) is staged like a final. A path that resolves outside the raw folder is refused
without being read. :func:`stage_files` stages many: cache hits (content already staged by this parser version)
are only hashed; the others are parsed in a pool of long-lived worker processes, with a deadline per file
(workers.py).
"""

from __future__ import annotations

import hashlib
import os
import signal
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from gongkai.extract.records import CHECK_FAIL, Report
from gongkai.warehouse import workers as child_processes
from gongkai.warehouse.fingerprints import FingerprintCache, sha256_bytes
from gongkai.warehouse.limits import (
    PipelineParseError,
    check_page_limit,
    max_file_bytes,
    parse_memory_bytes,
    parse_timeout,
)
from gongkai.warehouse.raw_folder import UnsafePathError, is_hidden, report_id_for, safe_path, undecodable_name
from gongkai.warehouse.rows import error_tables, refused_tables, report_file_row, report_rows
from gongkai.warehouse.schema import DATA_TABLES, STATUS_FAILED, STATUS_LOADED
from gongkai.warehouse.staged import StageResult, arrow_schema, staged_result, write_staged, write_staged_file

#: The parser the parse step calls, as "module:function" (resolved in the worker process, so a test can point it
#: at a stand-in by setting this attribute; it must be importable by name). It parses and reviews the file, reading
#: it once: the report comes back with its review findings.
PARSE_FUNCTION = "gongkai.review.review:parse_and_review"
#: Modules every parse worker needs, imported once by the forkserver (pandas: pyarrow imports it when it builds a
#: table from Python rows), and last what freezes them there for the collector (frozen_heap).
WORKER_PRELOAD = ("pandas", "pyarrow", "gongkai.warehouse.staging", "gongkai.extract.parser", "gongkai.review.review",
                  "gongkai.warehouse.frozen_heap")


def _resolve(ref: str) -> Callable[[Path], Report]:
    import importlib

    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def _guarded(parse: Callable[[Path], Report]) -> Callable[[Path], Report]:
    """``parse`` behind the page limit."""
    def guarded(path: Path) -> Report:
        check_page_limit(path)
        return parse(path)

    return guarded


def _error_kind(exc: BaseException) -> tuple[str, str]:
    kind = getattr(exc, "kind", None)
    message = str(exc) or type(exc).__name__
    if kind:
        return str(kind), message
    return "parser_crash", f"{type(exc).__name__}: {message}"


class _Changed(Exception):
    pass


def _refuse(staging: Path, rel_path: str, prefix: str, error_kind: str, message: str) -> StageResult:
    """Stage a path that was not read (unsafe, unreadable) under a report_id derived from the path."""
    report_id = f"{prefix}-" + hashlib.sha256(rel_path.encode()).hexdigest()[:16]
    staged = write_staged(staging, report_id, refused_tables(rel_path, error_kind, message))
    return StageResult(rel_path, report_id, "", STATUS_FAILED, staged, error_kind, message)


_SPECIAL_FILES = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
                  (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder"))


def _refusal(raw_dir: Path, rel_path: str) -> tuple[str, str, str] | None:
    """(report_id prefix, error_kind, message) for a path that is not to be read at all, decided from its name and
    its stat only; None for a regular file of an acceptable size."""
    try:
        path = safe_path(raw_dir, rel_path)
    except UnsafePathError as exc:
        return "unsafe", "unsafe_path", str(exc)
    if is_hidden(rel_path):
        return "hidden", "hidden_file", (f"skipped: {rel_path} is hidden (its name starts with '.': editor and system "
                                         "files such as .DS_Store); not read — rename it to load it")
    name = undecodable_name(raw_dir, rel_path)
    if name is not None:
        try:
            as_gbk = f" (as GBK: {name.decode('gb18030')})"
        except UnicodeDecodeError:
            as_gbk = ""
        return "bad-name", "bad_file_name", (
            f"the file name {rel_path}{as_gbk} is not valid UTF-8 (\\xNN: bytes as found, e.g. a GBK name from a Windows "
            "zip); not read — rename it to UTF-8 (e.g. `convmv -f gbk -t utf-8`) to load it")
    try:
        info = path.stat()
    except OSError as exc:
        return "unreadable", "unreadable", f"cannot read the file: {exc.strerror or exc}"
    for is_kind, what in _SPECIAL_FILES:
        if is_kind(info.st_mode):
            return "special", "not_a_regular_file", f"{rel_path} is {what}, not a regular file; never opened"
    if info.st_size > max_file_bytes():
        return "too-large", "too_large", (f"{rel_path} is {info.st_size / 2**20:.1f} MB, over the "
                                          f"{max_file_bytes() / 2**20:g} MB limit for one file (GONGKAI_MAX_FILE_MB); "
                                          "not read")
    return None


def _read_regular_file(path: Path) -> bytes:
    """The file's bytes; OSError if it is (now) not a regular file — opened non-blocking, so that a FIFO put in its
    place since it was checked is never waited on."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path.name} is not a regular file")
        return handle.read()


def stage_file(
    raw_dir: Path,
    rel_path: str,
    staging: Path,
    parse: Callable[[Path], Report] | None = None,
    *,
    parse_ref: str | None = None,
) -> StageResult:
    """Parse one raw file and stage its rows as Parquet. Never raises for a bad file; never touches the original.

    ``parse`` is a callable; without it the page limit is checked and ``parse_ref`` (default :data:`PARSE_FUNCTION`)
    is called. This function has no deadline: :func:`stage_files` runs it in a worker process that it can stop.
    """
    if parse is None:
        parse = _guarded(lambda p: _resolve(parse_ref or PARSE_FUNCTION)(p))
    raw_dir, staging = Path(raw_dir), Path(staging)
    # 1. refuse, without opening them, paths that leave the raw folder, hidden and special files, oversized files
    refused = _refusal(raw_dir, rel_path)
    if refused is not None:
        return _refuse(staging, rel_path, *refused)
    path = safe_path(raw_dir, rel_path)
    # 2. address the file by its content
    try:
        data = _read_regular_file(path)
    except OSError as exc:
        return _refuse(staging, rel_path, "unreadable", "unreadable", f"cannot read the file: {exc.strerror or exc}")
    sha = sha256_bytes(data)
    report_id = report_id_for(sha)
    common = {"report_id": report_id, "rel_path": rel_path, "sha256": sha, "size": len(data)}
    # 3. parse
    try:
        report = parse(path)
        if report.sha256 and report.sha256 != sha:
            raise _Changed()
    except _Changed:
        message = "the file changed while it was being read; it will be parsed again on the next run"
        row = report_file_row(None, status=STATUS_FAILED, error_kind="changed_during_read", error_message=message, **common)
    except Exception as exc:  # noqa: BLE001 - a bad file never stops the batch
        kind, message = _error_kind(exc)
        row = report_file_row(None, status=STATUS_FAILED, error_kind=kind, error_message=message, **common)
    else:
        tables = report_rows(report, report_id, rel_path)
        row = report_file_row(
            report, status=STATUS_LOADED, table_rows=sum(len(t.rows) for t in report.tables), **common
        )
        tables["ingest_errors"] = []
        tables["report_files"] = [row]
        staged = write_staged_file(staging, report_id, tables)  # the same bytes at two paths: merged in turn
        return StageResult(
            rel_path,
            report_id,
            sha,
            STATUS_LOADED,
            staged,
            row_counts={t: len(tables[t]) for t in DATA_TABLES},
            department=report.department,
            fiscal_year=report.fiscal_year,
            kind=report.kind,
            shown=_shown_rows(tables),
        )
    staged = write_staged_file(staging, report_id, error_tables(row))
    return StageResult(
        rel_path, report_id, sha, row["status"], staged, row["error_kind"], row["error_message"], kind=row["kind"]
    )


def _shown_rows(tables: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The rows of ``tables`` a report partition's metadata shows, each with the staged columns only: handed back
    with the result, so that the run does not read them again from the Parquet files just written."""
    names = {table: arrow_schema(table).names
             for table in ("report_files", "report_tables", "review_findings", "reconciliation_checks")}

    def staged(table: str, row: dict[str, Any]) -> dict[str, Any]:
        return {name: row.get(name) for name in names[table]}

    shown = {table: [staged(table, row) for row in tables[table]]
             for table in ("report_files", "report_tables", "review_findings")}
    shown["reconciliation_checks"] = [staged("reconciliation_checks", c) if c["status"] == CHECK_FAIL
                                      else {"status": c["status"]} for c in tables["reconciliation_checks"]]
    return shown


def stage_error(raw_dir: Path, rel_path: str, staging: Path, kind: str, message: str) -> StageResult:
    """Stage a file the parse step gave up on (deadline, dead worker) as 'failed' with ``kind``, without parsing."""
    def refuse(_path: Path) -> Report:
        raise PipelineParseError(kind, message)

    return stage_file(Path(raw_dir), rel_path, Path(staging), parse=refuse)


def _gongkai_settings() -> dict[str, str]:
    """This process's GONGKAI_* environment: the limits and paths a worker must read as its caller does."""
    return {key: value for key, value in os.environ.items() if key.startswith("GONGKAI_")}


def _take_settings(settings: dict[str, str]) -> None:
    """In a worker: the caller's GONGKAI_* settings replace the ones the worker server started with (it outlives the
    run that started it, so a limit set for one run must not stay for the next)."""
    for key in [key for key in os.environ if key.startswith("GONGKAI_") and key not in settings]:
        del os.environ[key]
    os.environ.update(settings)


def _stage_in_child(ready: Callable[[], None], raw_dir: str, rel_path: str, staging: str, parse_ref: str,
                    settings: dict[str, str]) -> StageResult:
    """In a worker process: take the caller's settings, import the parser (once per worker), say ready (the file's
    deadline starts then), stage one file (the worker writes staging itself) and return the StageResult."""
    _take_settings(settings)
    parse = _resolve(parse_ref)
    ready()
    return stage_file(Path(raw_dir), rel_path, Path(staging), parse=_guarded(parse))


#: How a worker ends when PDFium's allocator hits the worker's address-space cap (C++ std::bad_alloc → abort).
_OUT_OF_MEMORY_EXITS = frozenset({-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS})


def _given_up(outcome: child_processes.Outcome, timeout: float) -> tuple[str, str]:
    """(error_kind, message) of a file whose worker did not answer."""
    memory = parse_memory_bytes()
    if outcome.failure == child_processes.DIED and memory and outcome.exitcode in _OUT_OF_MEMORY_EXITS:
        return "memory_limit", (f"the parser ran out of the per-file memory limit ({memory / 2**20:g} MB, "
                                "GONGKAI_PARSE_MEMORY_MB) and was stopped (a decompression bomb or a page too large "
                                "to read); the file was not loaded and is not parsed again until it changes")
    if outcome.failure == child_processes.DIED:
        return "parser_died", (f"the parser process died (exit code {outcome.exitcode}) while reading the file; "
                               "it is tried again on the next run")
    if outcome.failure == child_processes.TIMEOUT:
        return "timeout", (f"parsing took longer than {timeout:g} s (the per-file limit, GONGKAI_PARSE_TIMEOUT) "
                           "and was stopped; the file was not loaded and is not parsed again until it changes "
                           "(or `gongkai run --full-refresh`)")
    return "worker_not_started", (f"the parser process did not start within {child_processes.STARTUP_SECONDS:g} s (machine "
                       "overloaded?); the file was not loaded and is tried again on the next run")


def _stage_with_deadline(
    raw_dir: Path, rel_paths: list[str], staging: Path, *, workers: int, timeout: float
) -> list[StageResult]:
    """Stage the files in the worker pool; a file whose worker timed out or died is staged as 'failed'."""
    outcomes = child_processes.run_with_deadlines(
        _stage_in_child,
        [(str(raw_dir), rel, str(staging), PARSE_FUNCTION, _gongkai_settings()) for rel in rel_paths],
        workers=workers, timeout=timeout, preload=WORKER_PRELOAD, memory_limit=parse_memory_bytes(),
    )
    results = []
    for rel, outcome in zip(rel_paths, outcomes, strict=True):
        if outcome.failure is None:
            results.append(outcome.value)
        else:
            results.append(stage_error(raw_dir, rel, staging, *_given_up(outcome, timeout)))
    return results


def start_workers_early() -> None:
    """Let the parse workers' server import the parser now, beside the caller's own start-up (``gongkai run``
    imports Dagster and dbt meanwhile); without a per-file deadline there are no workers."""
    if parse_timeout() > 0:
        child_processes.start_server(WORKER_PRELOAD)


def stage_files(
    raw_dir: Path,
    rel_paths: Iterable[str],
    staging: Path,
    *,
    force: bool = False,
    workers: int | None = None,
    timeout: float | None = None,
) -> list[tuple[StageResult, bool]]:
    """Stage many files. Returns (result, was_cached) per path, in the order given.

    A file already staged for its current content by this parser version is not parsed again unless ``force``
    (cache hits are only hashed, in this process). The others are parsed in at most ``workers`` long-lived worker
    processes (default: the CPU count), each file with a wall-clock deadline of ``timeout`` seconds (default
    :func:`parse_timeout`); ``timeout <= 0`` parses in this process with no deadline.
    """
    rel_paths = list(rel_paths)
    timeout = parse_timeout() if timeout is None else timeout
    out: list[tuple[StageResult, bool] | None] = [None] * len(rel_paths)
    todo: list[int] = []
    fingerprints = FingerprintCache(Path(staging))
    for i, rel in enumerate(rel_paths):
        cached = None if force else staged_result(Path(raw_dir), rel, Path(staging), fingerprints)
        if cached is not None:
            out[i] = (cached, True)
        elif _refusal(Path(raw_dir), rel) is not None:  # recorded here: no worker for a file that is not read
            out[i] = (stage_file(Path(raw_dir), rel, Path(staging)), False)
        else:
            todo.append(i)
    fingerprints.save()
    workers = workers if workers is not None else (os.cpu_count() or 1)
    workers = max(1, min(workers, len(todo) or 1))
    if timeout and timeout > 0:
        staged = _stage_with_deadline(
            Path(raw_dir), [rel_paths[i] for i in todo], Path(staging), workers=workers, timeout=timeout
        )
        for i, result in zip(todo, staged, strict=True):
            out[i] = (result, False)
    else:
        for i in todo:
            out[i] = (stage_file(Path(raw_dir), rel_paths[i], Path(staging)), False)
    return [o for o in out if o is not None]
