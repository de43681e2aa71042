"""Ingestion: a report file → staged Parquet (parallel, one file at a time) → the raw schema (one writer).

Two steps, so that parsing can run in parallel while DuckDB sees exactly one writer:

1. :func:`stage_file` reads one file under the raw folder (never changing, moving or deleting it), parses it and
   writes one Parquet file per raw table under ``staging/<report_id>/``. ``report_id`` is the first 16 hex digits of
   the file's sha256, so a file is addressed by its content. A file that cannot be read is staged as error rows
   (``report_files`` with status 'failed' and ``ingest_errors``); a budget report is staged as 'skipped'. A path that
   resolves outside the raw folder (symlink, ``..``) is refused without being read.
2. :func:`load_staged` (the single writer) creates the raw schema and, per staged report whose content is what the
   raw folder holds now, deletes that report's rows and inserts the staged ones in one transaction. Older versions
   of a file at the same path keep their ``raw.report_files`` row with ``is_current = false``; their data rows go.
   Unreadable files are upserted into ``raw.ingest_errors`` (first_seen kept, last_seen updated).

Loading the same staged reports twice gives the same rows in the same order (reports by path, rows in parser order).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from gongkai.extract.records import Report
from gongkai.warehouse.duck import registered, transaction
from gongkai.warehouse.fingerprints import FingerprintCache, sha256_bytes
from gongkai.warehouse.schema import RAW_TABLES, create_statements

SCHEMA = "raw"
#: Tables filled from a parsed report, keyed by report_id (everything but report_files and ingest_errors).
DATA_TABLES: tuple[str, ...] = tuple(t for t in RAW_TABLES if t not in ("report_files", "ingest_errors"))
#: Columns of report_files the load step fills in (not staged).
_LOAD_COLUMNS = ("first_seen", "last_seen", "is_current")

STATUS_LOADED = "loaded"
STATUS_FAILED = "failed"
STATUS_SKIPPED = "skipped"

_TYPES = {
    "VARCHAR": pa.string(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
}


# ----------------------------------------------------------------------------------------------------------------
# Schema helpers


def _columns(ddl: str) -> list[tuple[str, str]]:
    cols = []
    for raw_line in ddl.splitlines():
        line = raw_line.split("--", 1)[0].strip().rstrip(",")
        if not line:
            continue
        name, sql_type = line.split()[:2]
        cols.append((name, sql_type))
    return cols


TABLE_COLUMNS: dict[str, list[tuple[str, str]]] = {name: _columns(ddl) for name, ddl in RAW_TABLES.items()}


def staged_columns(table: str) -> list[tuple[str, str]]:
    cols = TABLE_COLUMNS[table]
    if table == "report_files":
        cols = [c for c in cols if c[0] not in _LOAD_COLUMNS]
    if table == "ingest_errors":
        cols = [c for c in cols if c[0] not in ("first_seen", "last_seen")]
    return cols


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([(name, _TYPES[sql_type]) for name, sql_type in staged_columns(table)])


LOAD_STATE = "load_state"  # bookkeeping: which staged version of each report the data rows hold


def create_raw_schema(con) -> None:
    for statement in create_statements(SCHEMA):
        con.execute(statement)
    con.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.{LOAD_STATE} "
                "(report_id VARCHAR NOT NULL, parser VARCHAR NOT NULL, file VARCHAR NOT NULL)")


# ----------------------------------------------------------------------------------------------------------------
# Files, hashes, paths


class UnsafePathError(Exception):
    """A path under the raw folder that resolves outside it (symlink or ``..``): refused, never read."""


def report_id_for(sha256: str) -> str:
    return sha256[:16]


def safe_path(raw_dir: Path, rel_path: str) -> Path:
    """The file ``rel_path`` under ``raw_dir``; raises :class:`UnsafePathError` if it resolves outside it."""
    raw_root = Path(raw_dir).resolve()
    if Path(rel_path).is_absolute() or ".." in Path(rel_path).parts:
        raise UnsafePathError(f"refused: {rel_path!r} is not a plain path inside the raw folder")
    candidate = raw_root / rel_path
    resolved = candidate.resolve()
    if resolved != raw_root and raw_root not in resolved.parents:
        raise UnsafePathError(f"refused: {rel_path!r} resolves outside the raw folder (to {resolved})")
    return candidate


def list_raw_files(raw_dir: Path) -> list[str]:
    """Every regular file (or symlink) under ``raw_dir`` as a POSIX path relative to it, sorted; hidden files skipped.

    Symlinked directories are not descended into (their target may lie outside the raw folder).
    """
    raw_dir = Path(raw_dir)
    found: list[str] = []
    if not raw_dir.is_dir():
        return found
    for root, dirs, files in os.walk(raw_dir, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if name.startswith("."):
                continue
            found.append((Path(root) / name).relative_to(raw_dir).as_posix())
        for name in dirs:
            if (Path(root) / name).is_symlink():
                found.append((Path(root) / name).relative_to(raw_dir).as_posix())
    return sorted(found)


def file_fingerprint(raw_dir: Path, rel_path: str, cache: FingerprintCache | None = None) -> str:
    """sha256 of the file's bytes; '' for a path refused as unsafe or unreadable (it is recorded by the parse step).
    With a ``cache``, a file whose stat is unchanged since it was last hashed is not read again."""
    try:
        path = safe_path(raw_dir, rel_path)
        return (cache or FingerprintCache(None)).sha256(rel_path, path)
    except (UnsafePathError, OSError):
        return ""


def scan_raw(raw_dir: Path, staging: Path | None = None) -> dict[str, str]:
    """path → sha256 of what the raw folder holds now ('' for refused or unreadable paths). With ``staging``, the
    fingerprint cache there spares reading files whose stat has not changed."""
    cache = FingerprintCache(staging)
    current = {rel: file_fingerprint(raw_dir, rel, cache) for rel in list_raw_files(raw_dir)}
    cache.keep_only(set(current))
    cache.save()
    return current


# Dagster partition keys may not contain these; a key that had to be changed gets a short hash of the path.
_BAD_KEY = re.compile(r"\.\.\.|[\a\b\f\n\r\t\v\0]")


def partition_key_for(rel_path: str) -> str:
    """The Dagster partition key of a raw file: its path relative to raw/, sanitized (and then made unique)."""
    key = _BAD_KEY.sub("_", rel_path)
    if key != rel_path:
        key = f"{key}~{hashlib.sha1(rel_path.encode()).hexdigest()[:8]}"
    return key


def path_for_partition_key(raw_dir: Path, key: str) -> str:
    """Inverse of :func:`partition_key_for` over the files the raw folder holds (the key itself if none matches)."""
    if key == partition_key_for(key) and (os.path.lexists(Path(raw_dir) / key) or "~" not in key):
        return key
    for rel in list_raw_files(raw_dir):
        if partition_key_for(rel) == key:
            return rel
    return key


# ----------------------------------------------------------------------------------------------------------------
# Report → rows


def _src(source, rel_path: str) -> dict[str, Any]:
    if source is None:
        return {"file": rel_path, "page": None, "line": None}
    return {"file": rel_path, "page": source.page, "line": source.line}


def _src_required(source, fallback, rel_path: str) -> dict[str, Any]:
    """file/page/line for a NOT NULL provenance: the value's own source, else its row's or table's."""
    src = source or fallback
    if src is None:
        return {"file": rel_path, "page": 0, "line": 0}
    return {"file": rel_path, "page": src.page, "line": src.line}


def report_rows(report: Report, report_id: str, rel_path: str) -> dict[str, list[dict[str, Any]]]:
    """Every raw data table's rows for one parsed report (report_files and ingest_errors excluded)."""
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in DATA_TABLES}
    for table in report.tables:
        base = {
            "report_id": report_id,
            "table_family": table.family,
            "table_title": table.title,
            "table_label": table.label,
            "table_unit": table.unit,
        }
        rows["report_tables"].append(
            {**base, "is_empty": bool(table.is_empty), "row_count": len(table.rows), **_src_required(table.source, None, rel_path)}
        )
        for row in table.rows:
            row_base = {
                **base,
                "row_index": row.index,
                "row_label": row.label,
                "code": row.code,
                "level": row.level,
                "parent_code": row.parent_code,
                "item": row.item,
                "side": row.side,
                "row_number": row.row_number,
                "category": row.category,
            }
            for cell in row.cells:
                rows["table_cells"].append(
                    {
                        **row_base,
                        "column_name": cell.column,
                        "value": cell.value,
                        "original": cell.original,
                        "cell_status": cell.status,
                        "candidates": ",".join(cell.candidates) if cell.candidates else None,
                        **_src_required(cell.source, row.source, rel_path),
                    }
                )
    for fact in report.narrative:
        rows["narrative_facts"].append(
            {
                "report_id": report_id,
                "fact_key": fact.key,
                "qualifier": fact.qualifier,
                "value": fact.value,
                "unit": fact.unit,
                "original": fact.original,
                "fiscal_year": fact.fiscal_year,
                "basis": fact.basis,
                **_src_required(fact.source, None, rel_path),
            }
        )

    def indicator_rows(kind: str, index: int, indicators) -> None:
        for i, ind in enumerate(indicators):
            rows["performance_indicators"].append(
                {
                    "report_id": report_id,
                    "evaluation_kind": kind,
                    "evaluation_index": index,
                    "indicator_index": i,
                    "level1": ind.level1,
                    "level2": ind.level2,
                    "level3": ind.level3,
                    "operator": ind.operator,
                    "target": ind.target,
                    "unit": ind.unit,
                    "actual": ind.actual,
                    "completion": ind.completion,
                    "weight": ind.weight,
                    "score": ind.score,
                    "deviation_reason": ind.deviation_reason,
                    **_src_required(ind.source, None, rel_path),
                }
            )

    for p_index, project in enumerate(report.projects):
        rows["performance_projects"].append(
            {
                "report_id": report_id,
                "project_index": p_index,
                "project_name": project.name,
                "department": project.department,
                "implementing_unit": project.implementing_unit,
                "budget": project.budget,
                "actual": project.actual,
                "execution_rate_pct": project.execution_rate_pct,
                "target_text": project.target_text,
                "achievement_text": project.achievement_text,
                "indicator_subtotal": project.indicator_subtotal,
                "execution_score": project.execution_score,
                "deduction": project.deduction,
                "total_score": project.total_score,
                **_src_required(project.source, None, rel_path),
            }
        )
        indicator_rows("project", p_index, project.indicators)
    for u_index, unit in enumerate(report.unit_evaluations):
        rows["unit_evaluations"].append(
            {
                "report_id": report_id,
                "unit_index": u_index,
                "unit_code": unit.unit_code,
                "unit_name": unit.unit_name,
                "budget_income": unit.budget_income,
                "budget_expenditure": unit.budget_expenditure,
                "target_text": unit.target_text,
                "achievement_text": unit.achievement_text,
                "total_score": unit.total_score,
                **_src_required(unit.source, None, rel_path),
            }
        )
        for t_index, task in enumerate(unit.tasks):
            rows["unit_tasks"].append(
                {
                    "report_id": report_id,
                    "unit_index": u_index,
                    "task_index": t_index,
                    "task_name": task.name,
                    "allocated": task.allocated,
                    "executed": task.executed,
                    "execution_rate_pct": task.execution_rate_pct,
                    "weight": task.weight,
                    "score": task.score,
                    **_src_required(task.source, None, rel_path),
                }
            )
        indicator_rows("unit", u_index, unit.indicators)
    for check in report.checks:
        rows["reconciliation_checks"].append(
            {
                "report_id": report_id,
                "check_name": check.name,
                "category": check.category,
                "expected": check.expected,
                "actual": check.actual,
                "difference": check.difference,
                "tolerance": check.tolerance,
                "status": check.status,
                "detail": check.detail,
                **_src(check.source, rel_path),
            }
        )
    for issue in report.issues:
        rows["parse_issues"].append(
            {
                "report_id": report_id,
                "severity": issue.severity,
                "issue_kind": issue.kind,
                "message": issue.message,
                **_src(issue.source, rel_path),
            }
        )
    for page in report.pages:
        rows["report_pages"].append(
            {
                "report_id": report_id,
                "page": page.page,
                "page_status": page.status,
                "chars": page.chars,
                "cid_glyphs": page.cid_glyphs,
                "replacement_chars": page.replacement_chars,
            }
        )
    for u_index, name in enumerate(report.units_in_scope):
        rows["units_in_scope"].append({"report_id": report_id, "unit_index": u_index, "unit_name": name})
    return rows


def report_file_row(
    report: Report | None,
    *,
    report_id: str,
    rel_path: str,
    sha256: str,
    size: int,
    status: str,
    error_kind: str | None = None,
    error_message: str | None = None,
    table_rows: int = 0,
) -> dict[str, Any]:
    checks = report.checks if report is not None else []
    return {
        "report_id": report_id,
        "path": rel_path,
        "sha256": sha256,
        "size_bytes": size,
        "format": report.format if report else None,
        "encoding": report.encoding if report else None,
        "department": report.department if report else None,
        "fiscal_year": report.fiscal_year if report else None,
        "kind": report.kind if report else None,
        "status": status,
        "error_kind": error_kind,
        "error_message": error_message,
        "pages": len(report.pages) if report else None,
        "table_rows": table_rows if report else None,
        "checks_passed": sum(c.status == "pass" for c in checks) if report else None,
        "checks_failed": sum(c.status == "fail" for c in checks) if report else None,
        "checks_not_run": sum(c.status == "not_run" for c in checks) if report else None,
    }


# ----------------------------------------------------------------------------------------------------------------
# Parse step: one file → staging/<report_id>/


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

    def summary(self) -> str:
        if self.status == STATUS_LOADED:
            total = sum(self.row_counts.values())
            return f"{self.path}: parsed ({self.department or '?'} {self.fiscal_year or '?'}), {total} rows staged"
        return f"{self.path}: {self.status} [{self.error_kind}] {self.message}"


#: The parser the parse step calls, as "module:function" (resolved in the worker process, so a test can point it
#: at a stand-in by setting this attribute; it must be importable by name).
PARSE_FUNCTION = "gongkai.extract.parser:parse_file"
#: Per-file wall-clock limit of the parse step, in seconds (GONGKAI_PARSE_TIMEOUT overrides; 0 = no limit).
#: The slowest real report (the Putuo PDF, 25 pages) parses in ~5 s on a loaded 2-core machine; 300 pages at
#: ~1 s a page is well inside the limit.
DEFAULT_PARSE_TIMEOUT = 600.0
#: A PDF whose page tree declares more pages than this is refused ('too_many_pages') before it is parsed: it is no
#: department report (those run to tens of pages). Below it, the extraction library reads at most its own
#: pdf_document.MAX_PAGES (300) pages and records a 'page_limit' issue for the rest.
MAX_PDF_PAGES = 2000


class PipelineParseError(Exception):
    """A file refused by the parse step itself (before or around the parser): ``kind`` as for ParseError."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def parse_timeout() -> float:
    """The per-file parse deadline in seconds (``GONGKAI_PARSE_TIMEOUT``; 0 or negative: none)."""
    value = os.environ.get("GONGKAI_PARSE_TIMEOUT", "").strip()
    if not value:
        return DEFAULT_PARSE_TIMEOUT
    try:
        return float(value)
    except ValueError:
        return DEFAULT_PARSE_TIMEOUT


def _resolve(ref: str) -> Callable[[Path], Report]:
    import importlib

    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def pdf_page_count(data: bytes) -> int | None:
    """The page count a PDF's page tree declares (/Root /Pages /Count), read without parsing any page; None if the
    file is not a PDF or the count cannot be read (the parser then reports what is wrong)."""
    if b"%PDF-" not in data[:1024]:
        return None
    try:
        import io

        from pdfminer.pdfdocument import PDFDocument
        from pdfminer.pdfparser import PDFParser
        from pdfminer.pdftypes import resolve1

        document = PDFDocument(PDFParser(io.BytesIO(data)))
        count = resolve1(resolve1(document.catalog["Pages"])["Count"])
        return int(count)
    except Exception:  # noqa: BLE001 - encrypted, truncated, odd trees: the parser says what is wrong
        return None


def check_page_limit(path: Path, data: bytes | None = None, limit: int | None = None) -> None:
    """Raise ``PipelineParseError('too_many_pages')`` for a PDF declaring more than ``limit`` pages."""
    limit = MAX_PDF_PAGES if limit is None else limit
    data = Path(path).read_bytes() if data is None else data
    count = pdf_page_count(data)
    if count is not None and count > limit:
        raise PipelineParseError(
            "too_many_pages",
            f"{Path(path).name} has {count} pages, over the {limit}-page limit for one file "
            "(a department's final accounts run to tens of pages); not parsed",
        )


def _default_parse(path: Path, display_path: str | None = None, parse_ref: str | None = None) -> Report:
    # display_path is not passed: the PDF reader re-opens document.file (a bug reported to the extract owners);
    # every staged row gets the raw-relative path anyway.
    check_page_limit(path)
    return _resolve(parse_ref or PARSE_FUNCTION)(path)


def _error_kind(exc: BaseException) -> tuple[str, str]:
    kind = getattr(exc, "kind", None)
    message = str(exc) or type(exc).__name__
    if kind:
        return str(kind), message
    return "parser_crash", f"{type(exc).__name__}: {message}"


def _write_table(rows: list[dict[str, Any]], table: str, path: Path) -> None:
    schema = arrow_schema(table)
    columns = {name: [r.get(name) for r in rows] for name in schema.names}
    pq.write_table(pa.table(columns, schema=schema), path)


@functools.cache
def parser_fingerprint() -> str:
    """A hash of the extraction library's source: staged output of another parser version is parsed again."""
    import gongkai.extract as extract

    digest = hashlib.sha256()
    for path in sorted(Path(extract.__file__).parent.rglob("*.py")):
        digest.update(path.relative_to(Path(extract.__file__).parent).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _write_staged(staging: Path, report_id: str, tables: dict[str, list[dict[str, Any]]]) -> Path:
    """Write a report's staged tables atomically: into a temp folder, then rename it into place."""
    staging.mkdir(parents=True, exist_ok=True)
    final = staging / report_id
    tmp = Path(tempfile.mkdtemp(prefix=f".{report_id}.", dir=staging))
    try:
        for table, rows in tables.items():
            _write_table(rows, table, tmp / f"{table}.parquet")
        (tmp / "_meta.json").write_text(json.dumps(_staged_meta(tables), ensure_ascii=False))
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


def _staged_meta(tables: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """_meta.json of a staged folder: the parser version plus what the cache check and the loader need (the
    report_files and ingest_errors rows, the row count of every table), so that they read one small file."""
    return {
        "parser": parser_fingerprint(),
        "report_files": tables.get("report_files", []),
        "ingest_errors": tables.get("ingest_errors", []),
        "row_counts": {t: len(tables.get(t, [])) for t in DATA_TABLES},
    }


def _read_meta(folder: Path) -> dict[str, Any]:
    """A staged folder's _meta.json; the rows and counts are read from its Parquet files if the meta predates them."""
    meta = json.loads((folder / "_meta.json").read_text())
    if "report_files" not in meta:
        meta["report_files"] = _parquet_rows(folder / "report_files.parquet")
        meta["ingest_errors"] = _parquet_rows(folder / "ingest_errors.parquet")
        meta["row_counts"] = {t: _parquet_count(folder / f"{t}.parquet") for t in DATA_TABLES}
    return meta


def _parquet_rows(path: Path) -> list[dict[str, Any]]:
    return pq.read_table(path).to_pylist() if path.exists() else []


def _parquet_count(path: Path) -> int:
    try:
        return pq.read_metadata(path).num_rows
    except (OSError, pa.ArrowException):
        return 0


@contextmanager
def _staging_lock(staging: Path, report_id: str):
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


def _merge_report_files(final_dir: Path, row: dict[str, Any]) -> list[dict[str, Any]]:
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


def _error_tables(row: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    tables: dict[str, list[dict[str, Any]]] = {t: [] for t in DATA_TABLES}
    tables["report_files"] = [row]
    if row["status"] == STATUS_FAILED:
        tables["ingest_errors"] = [
            {"path": row["path"], "sha256": row["sha256"], "error_kind": row["error_kind"], "message": row["error_message"]}
        ]
    else:
        tables["ingest_errors"] = []
    return tables


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
    is called. This function has no deadline: :func:`stage_files` runs it in a child process that it can stop.
    """
    if parse is None:
        parse = lambda p: _default_parse(p, rel_path, parse_ref)  # noqa: E731
    raw_dir = Path(raw_dir)
    # 1. refuse paths that leave the raw folder, without reading them
    try:
        path = safe_path(raw_dir, rel_path)
    except UnsafePathError as exc:
        sha = ""
        report_id = "unsafe-" + hashlib.sha256(rel_path.encode()).hexdigest()[:16]
        tables = {t: [] for t in DATA_TABLES}
        tables["report_files"] = []
        tables["ingest_errors"] = [{"path": rel_path, "sha256": sha, "error_kind": "unsafe_path", "message": str(exc)}]
        staged = _write_staged(staging, report_id, tables)
        return StageResult(rel_path, report_id, sha, STATUS_FAILED, staged, "unsafe_path", str(exc))
    # 2. address the file by its content
    try:
        data = path.read_bytes()
    except OSError as exc:
        sha = ""
        report_id = "unreadable-" + hashlib.sha256(rel_path.encode()).hexdigest()[:16]
        message = f"cannot read the file: {exc.strerror or exc}"
        tables = {t: [] for t in DATA_TABLES}
        tables["report_files"] = []
        tables["ingest_errors"] = [{"path": rel_path, "sha256": sha, "error_kind": "unreadable", "message": message}]
        staged = _write_staged(staging, report_id, tables)
        return StageResult(rel_path, report_id, sha, STATUS_FAILED, staged, "unreadable", message)
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
        if report.kind == "budget":
            message = "budget report (部门预算): not loaded — gongkai loads final accounts (部门决算) only"
            row = report_file_row(report, status=STATUS_SKIPPED, error_kind="budget_report", error_message=message, **common)
            row["table_rows"] = None
        else:
            tables = report_rows(report, report_id, rel_path)
            row = report_file_row(
                report, status=STATUS_LOADED, table_rows=sum(len(t.rows) for t in report.tables), **common
            )
            tables["ingest_errors"] = []
            with _staging_lock(staging, report_id):  # the same bytes at two paths: parse workers merge in turn
                tables["report_files"] = _merge_report_files(staging / report_id, row)
                staged = _write_staged(staging, report_id, tables)
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
            )
    tables = _error_tables(row)
    with _staging_lock(staging, report_id):
        tables["report_files"] = _merge_report_files(staging / report_id, row)
        staged = _write_staged(staging, report_id, tables)
    return StageResult(
        rel_path, report_id, sha, row["status"], staged, row["error_kind"], row["error_message"], kind=row["kind"]
    )


class _Changed(Exception):
    pass


def staged_result(
    raw_dir: Path, rel_path: str, staging: Path, cache: FingerprintCache | None = None
) -> StageResult | None:
    """The staged result for the file's current content if it was staged by this parser version, else None."""
    sha = file_fingerprint(raw_dir, rel_path, cache)
    if not sha:
        return None
    folder = Path(staging) / report_id_for(sha)
    try:
        meta = _read_meta(folder)
    except (OSError, ValueError, pa.ArrowException):
        return None
    if meta.get("parser") != parser_fingerprint():
        return None
    for row in meta["report_files"]:
        if row["path"] == rel_path and row["sha256"] == sha:
            if row["error_kind"] in RETRY_KINDS:  # may succeed next time (a loaded machine, a killed worker)
                return None
            counts = {t: int(meta["row_counts"].get(t, 0)) for t in DATA_TABLES}
            return StageResult(
                rel_path,
                report_id_for(sha),
                sha,
                row["status"],
                folder,
                row["error_kind"],
                row["error_message"],
                row_counts=counts if row["status"] == STATUS_LOADED else {},
                department=row["department"],
                fiscal_year=row["fiscal_year"],
                kind=row["kind"],
            )
    return None


def _stage_one(args: tuple[str, str, str, bool]) -> tuple[StageResult, bool]:
    raw_dir, rel_path, staging, force = args
    if not force:
        cached = staged_result(Path(raw_dir), rel_path, Path(staging))
        if cached is not None:
            return cached, True
    return stage_file(Path(raw_dir), rel_path, Path(staging)), False


#: Error kinds that are not cached in staging: the next run parses the file again.
RETRY_KINDS = frozenset({"timeout", "parser_died"})


def stage_error(raw_dir: Path, rel_path: str, staging: Path, kind: str, message: str) -> StageResult:
    """Stage a file the parse step gave up on (deadline, dead worker) as 'failed' with ``kind``, without parsing."""
    def refuse(_path: Path) -> Report:
        raise PipelineParseError(kind, message)

    return stage_file(Path(raw_dir), rel_path, Path(staging), parse=refuse)


def _child_stage(conn, raw_dir: str, rel_path: str, staging: str, parse_ref: str) -> None:
    """Worker process: import the parser, say 'ready' (the deadline starts then), stage one file and send the
    StageResult back (staging is written by the worker itself)."""
    try:
        parse = _resolve(parse_ref)
        conn.send("ready")

        def guarded(path: Path) -> Report:
            check_page_limit(path)
            return parse(path)

        conn.send(stage_file(Path(raw_dir), rel_path, Path(staging), parse=guarded))
    finally:
        conn.close()


_CONTEXT = None
#: Seconds a worker may take to start and import the parser before its file is given up on (machine overloaded).
STARTUP_SECONDS = 300.0


def _mp_context():
    """forkserver where available (cheap forks of a clean, preloaded server process; safe in a threaded parent)."""
    global _CONTEXT
    if _CONTEXT is None:
        import multiprocessing

        try:
            _CONTEXT = multiprocessing.get_context("forkserver")
            _CONTEXT.set_forkserver_preload(["pandas", "pyarrow", "gongkai.warehouse.load", "gongkai.extract.parser"])
        except ValueError:  # no forkserver (Windows)
            _CONTEXT = multiprocessing.get_context("spawn")
    return _CONTEXT


@dataclass
class _Worker:
    index: int
    rel_path: str
    process: Any
    conn: Any
    deadline: float
    ready: bool = False
    result: StageResult | None = None


def _stage_with_deadline(
    raw_dir: Path, rel_paths: list[str], staging: Path, *, workers: int, timeout: float
) -> list[StageResult]:
    """Stage each file in its own child process, at most ``workers`` at a time. A child that parses for longer than
    ``timeout`` seconds is killed and its file staged as 'failed' / 'timeout'; one that dies without an answer is
    staged as 'parser_died'. The clock starts when the child has imported the parser and says it is ready."""
    import time
    from multiprocessing.connection import wait

    ctx = _mp_context()
    results: dict[int, StageResult] = {}
    queue = list(enumerate(rel_paths))
    running: list[_Worker] = []

    def finish(worker: _Worker, result: StageResult) -> None:
        worker.conn.close()
        running.remove(worker)
        results[worker.index] = result

    try:
        while queue or running:
            while queue and len(running) < workers:
                index, rel = queue.pop(0)
                receive, send = ctx.Pipe(duplex=False)
                process = ctx.Process(
                    target=_child_stage, args=(send, str(raw_dir), rel, str(staging), PARSE_FUNCTION), daemon=True
                )
                process.start()
                send.close()
                running.append(_Worker(index, rel, process, receive, time.monotonic() + STARTUP_SECONDS))
            handles = [w.conn for w in running] + [w.process.sentinel for w in running]
            wait(handles, timeout=max(0.0, min(w.deadline for w in running) - time.monotonic()))
            for worker in list(running):
                try:
                    while worker.result is None and worker.conn.poll():
                        message = worker.conn.recv()
                        if message == "ready":
                            worker.ready = True
                            worker.deadline = time.monotonic() + timeout
                        else:
                            worker.result = message
                except (EOFError, OSError):
                    pass
                if worker.result is not None:
                    worker.process.join()
                    finish(worker, worker.result)
                elif not worker.process.is_alive():
                    worker.process.join()
                    finish(worker, stage_error(
                        raw_dir, worker.rel_path, staging, "parser_died",
                        f"the parser process died (exit code {worker.process.exitcode}) while reading the file; "
                        "it is tried again on the next run",
                    ))
                elif time.monotonic() >= worker.deadline:
                    worker.process.kill()
                    worker.process.join()
                    if worker.ready:
                        message = (f"parsing took longer than {timeout:g} s (the per-file limit, GONGKAI_PARSE_TIMEOUT) "
                                   "and was stopped; the file was not loaded and is tried again on the next run")
                    else:
                        message = (f"the parser process did not start within {STARTUP_SECONDS:g} s (machine "
                                   "overloaded?); the file was not loaded and is tried again on the next run")
                    finish(worker, stage_error(raw_dir, worker.rel_path, staging, "timeout", message))
    finally:
        for worker in running:
            worker.process.kill()
            worker.process.join()
            worker.conn.close()
    return [results[i] for i in range(len(rel_paths))]


def stale_files(raw_dir: Path, rel_paths: Iterable[str], staging: Path) -> list[str]:
    """The files a run must parse: those not staged for their current content by this parser version."""
    cache = FingerprintCache(Path(staging))
    stale = [rel for rel in rel_paths if staged_result(Path(raw_dir), rel, Path(staging), cache) is None]
    cache.save()
    return stale


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
    (cache hits are only hashed, in this process). The others are parsed in child processes, at most ``workers``
    (default: the CPU count) at a time, each with a wall-clock deadline of ``timeout`` seconds (default
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


# ----------------------------------------------------------------------------------------------------------------
# Load step: staging → raw schema (the single writer)


@dataclass
class LoadSummary:
    loaded: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)  # report_ids no longer current anywhere
    rows: dict[str, int] = field(default_factory=dict)

    def as_metadata(self) -> dict[str, Any]:
        return {
            "reports_loaded": len(self.loaded),
            "reports_failed": len(self.failed),
            "reports_skipped": len(self.skipped),
            "versions_retired": len(self.retired),
            **{f"rows_{t}": n for t, n in sorted(self.rows.items())},
        }


@dataclass
class _Staged:
    report_id: str
    folder: Path
    files: list[dict[str, Any]]  # report_files rows (one per path)
    errors: list[dict[str, Any]]  # ingest_errors rows
    parser: str = ""  # the parser version that staged it


def read_staged(staging: Path) -> list[_Staged]:
    out: list[_Staged] = []
    if not Path(staging).is_dir():
        return out
    for folder in sorted(p for p in Path(staging).iterdir() if p.is_dir() and not p.name.startswith(".")):
        try:
            meta = _read_meta(folder)
        except (OSError, ValueError):  # no _meta.json: a folder that was never completely staged
            continue
        out.append(_Staged(folder.name, folder, meta["report_files"], meta["ingest_errors"], meta.get("parser", "")))
    return out


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


def _upsert_report_file(con, row: dict[str, Any], now: datetime) -> None:
    cols = [name for name, _ in staged_columns("report_files")]
    found = con.execute(
        f"SELECT 1 FROM {SCHEMA}.report_files WHERE report_id = ? AND path = ?", [row["report_id"], row["path"]]
    ).fetchone()
    if found:
        sets = ", ".join(f"{c} = ?" for c in cols)
        con.execute(
            f"UPDATE {SCHEMA}.report_files SET {sets}, last_seen = ?, is_current = true WHERE report_id = ? AND path = ?",
            [row[c] for c in cols] + [now, row["report_id"], row["path"]],
        )
    else:
        names = ", ".join(cols + ["first_seen", "last_seen", "is_current"])
        marks = ", ".join("?" for _ in range(len(cols) + 3))
        con.execute(
            f"INSERT INTO {SCHEMA}.report_files ({names}) VALUES ({marks})", [row[c] for c in cols] + [now, now, True]
        )


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


def _insert_staged_rows(con, to_insert: list[tuple["_Staged", str]]) -> None:
    """Insert the staged rows of every (re)loaded report with one statement per table, in path order and each file's
    row order (so the table reads the same on every run); ``file`` names the report's path."""
    if not to_insert:
        return
    with transaction(con):
        con.execute("CREATE OR REPLACE TEMP TABLE _staged_paths (filename VARCHAR, path VARCHAR, ord INTEGER)")
        for table in DATA_TABLES:
            files = [(str(item.folder / f"{table}.parquet"), path) for item, path in to_insert]
            files = [(name, path, n) for n, (name, path) in enumerate(files) if Path(name).exists()]
            if not files:
                continue
            con.execute("DELETE FROM _staged_paths")
            con.executemany("INSERT INTO _staged_paths VALUES (?, ?, ?)", files)
            replace = "REPLACE (m.path AS file)" if any(name == "file" for name, _ in TABLE_COLUMNS[table]) else ""
            con.execute(
                f"INSERT INTO {SCHEMA}.{table} BY NAME SELECT p.* EXCLUDE (filename, file_row_number) {replace} "
                "FROM read_parquet(?, filename = true, file_row_number = true, union_by_name = true) p "
                "JOIN _staged_paths m USING (filename) ORDER BY m.ord, p.file_row_number",
                [[name for name, _, _ in files]],
            )
        con.execute("DROP TABLE _staged_paths")


def load_staged(
    con,
    staging: Path,
    raw_dir: Path,
    *,
    now: datetime | None = None,
    log: Callable[[str], None] | None = None,
) -> LoadSummary:
    """Load every staged report whose content the raw folder holds now; retire versions it no longer holds.

    ``con`` is a writable DuckDB connection (the only writer). Each report is replaced in its own transaction.
    """
    now = (now or datetime.now(timezone.utc)).replace(tzinfo=None)
    log = log or (lambda _msg: None)
    create_raw_schema(con)
    current = scan_raw(raw_dir, staging)  # path -> sha256 ('' for refused/unreadable paths)
    summary = LoadSummary()
    staged = read_staged(staging)

    # Current (path, report) pairs, in path order so that loading is deterministic.
    pairs: list[tuple[str, _Staged, dict[str, Any] | None]] = []
    for item in staged:
        for row in item.files:
            if current.get(row["path"]) == row["sha256"]:
                pairs.append((row["path"], item, row))
        for err in item.errors:
            if not item.files and err["path"] in current and current[err["path"]] == err["sha256"]:
                pairs.append((err["path"], item, None))
    pairs.sort(key=lambda p: (p[0], p[1].report_id))

    loaded_ids: set[str] = set()
    # An incremental run leaves the rows of a report alone when they came from the same staged version (same content,
    # same parser) under the same path; everything else is deleted and inserted again.
    already = {(r, p, f) for r, p, f in con.execute(f"SELECT report_id, parser, file FROM {SCHEMA}.{LOAD_STATE}").fetchall()}
    present = {r for r, _, _ in already} | {r for (r,) in con.execute(
        f"SELECT DISTINCT report_id FROM {SCHEMA}.report_files WHERE status = ?", [STATUS_LOADED]).fetchall()}
    to_insert: list[tuple[_Staged, str]] = []
    unchanged_files: list[tuple[str, str]] = []
    for path, item, row in pairs:
        if row is not None and row["status"] == STATUS_LOADED and (item.report_id, item.parser, path) in already:
            # the same staged version under the same path: its rows stay; its report_files row is touched in bulk
            loaded_ids.add(item.report_id)
            unchanged_files.append((item.report_id, path))
            summary.loaded.append(path)
            continue
        with transaction(con):
            if row is not None:
                parser = item.parser
                unchanged = row["status"] == STATUS_LOADED and (item.report_id, parser, path) in already
                if item.report_id not in loaded_ids and unchanged:
                    loaded_ids.add(item.report_id)
                if item.report_id not in loaded_ids:
                    if item.report_id in present:
                        _delete_report_rows(con, item.report_id)
                    if row["status"] == STATUS_LOADED:
                        con.execute(f"INSERT INTO {SCHEMA}.{LOAD_STATE} VALUES (?, ?, ?)", [item.report_id, parser, path])
                        # The same bytes at several paths share one staged folder, whose rows name the path that
                        # happened to be parsed last; provenance names the first current path (pairs are in path
                        # order), so that the rows do not depend on which parse worker finished first.
                        to_insert.append((item, path))
                    loaded_ids.add(item.report_id)
                _upsert_report_file(con, row, now)
                con.execute(
                    f"UPDATE {SCHEMA}.report_files SET is_current = false WHERE path = ? AND report_id <> ?",
                    [path, item.report_id],
                )
                {STATUS_LOADED: summary.loaded, STATUS_FAILED: summary.failed, STATUS_SKIPPED: summary.skipped}[
                    row["status"]
                ].append(path)
            else:
                summary.failed.append(path)
            for err in item.errors:
                if err["path"] == path:
                    _upsert_ingest_error(con, err, now)
        log(f"loaded {path} ({item.report_id}, {row['status'] if row else 'failed'})")

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
    current = scan_raw(raw_dir, staging)
    rows = con.execute(f"SELECT path, sha256, error_kind, message FROM {SCHEMA}.ingest_errors ORDER BY path").fetchall()
    return [(path, kind, message) for path, sha, kind, message in rows if current.get(path) == sha]


def ingest(
    raw_dir: Path,
    warehouse: Path,
    *,
    staging: Path | None = None,
    parse: Callable[[Path], Report] | None = None,
    paths: Iterable[str] | None = None,
) -> tuple[list[StageResult], LoadSummary]:
    """Stage (sequentially) and load in one go: the library entry point used by tests and small scripts."""
    import duckdb

    staging = staging or Path(warehouse).parent / "staging"
    results = [stage_file(raw_dir, rel, staging, parse) for rel in (paths or list_raw_files(raw_dir))]
    Path(warehouse).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(warehouse))
    try:
        summary = load_staged(con, staging, raw_dir)
    finally:
        con.close()
    return results, summary


def results_json(results: Iterable[StageResult]) -> str:
    return json.dumps(
        [{"path": r.path, "report_id": r.report_id, "status": r.status, "error_kind": r.error_kind} for r in results],
        ensure_ascii=False,
    )
