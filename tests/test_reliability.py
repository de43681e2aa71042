"""Reliability at the pipeline level (issue 6): bad input in a real batch, the per-file deadline and page limit,
idempotence after a re-run and after a crash (kill -9 mid-run), concurrency (run lock, readers during a run) and
security (loopback UI, nothing under raw/ leads outside it, read-only queries). See docs/reliability.md.

The parser-level catalogue is tests/test_bad_input.py; the inputs here are built by small builders of their own (that
file was being edited while this one was written) from the two bundled reports.

Cost: the real pipeline runs TWICE per session here (the bad-input batch, then the clean run after the crash), plus
one run killed a few seconds after its build copy appears. Everything else runs single steps.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import environment, LIAONING, query, RAW, SHANGHAI
from tests.pdf_bytes import raw_pdf, scanned_pdf

REPO = Path(__file__).resolve().parents[1]
SEED_TEXT = (RAW / LIAONING).read_text(encoding="utf-8")
GONGKAI = [sys.executable, "-m", "gongkai.cli"]

pytestmark = pytest.mark.skipif(not (RAW / SHANGHAI).exists(), reason="the bundled reports are needed")


# --- input builders --------------------------------------------------------------------------------------------------


def gbk_seed() -> bytes:
    """The seed as a GBK text dump (GBK has no U+FFFD: the brackets the UTF-8 dump lost are restored first)."""
    from gongkai.extract.text import restore_brackets

    return "".join(restore_brackets(line) for line in SEED_TEXT.splitlines(keepends=True)).encode("gbk")


def traditional_seed() -> bytes:
    table = str.maketrans("决财拨总项经费预门单数开类", "決財撥總項經費預門單數開類")
    return SEED_TEXT.translate(table).encode("utf-8")


def reissued_seed() -> bytes:
    """The same department and year with changed numbers (行政单位医疗 84.11/76.53 → 84.12/76.54)."""
    text = SEED_TEXT.replace("84.11", "84.12").replace("76.53", "76.54")
    assert text != SEED_TEXT
    return text.encode("utf-8")


def shanghai_pages(pages=(0, 9, 10)) -> bytes:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    source = pypdf.PdfReader(RAW / SHANGHAI)
    for index in pages:
        writer.add_page(source.pages[index])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(shanghai_pages()))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncated_pdf() -> bytes:
    data = (RAW / SHANGHAI).read_bytes()
    return data[: len(data) // 2]


def text_pdf(pages: list[list[str]]) -> bytes:
    """A PDF with real (extractable) Chinese text, drawn in reportlab's built-in CID font."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    for lines in pages:
        pdf.setFont("STSong-Light", 11)
        y = 780
        for line in lines:
            pdf.drawString(60, y, line)
            y -= 18
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def budget_pdf() -> bytes:
    return text_pdf([["辽宁省数据局2025年部门预算", "第一部分 部门概况", "一、主要职责", "第二部分 2025年部门预算表",
                      "收支预算总表", "单位：万元"]])


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# What each input of the batch must end as: path → (report_files status or None, error_kind, ingest_errors rows).
SEED_COPY = "dup/same-bytes-as-seed.txt"
GBK_NAME = "辽宁决算".encode("gbk") + b".txt"  # a file name as a Windows zip leaves it (not UTF-8)
GBK_NAMED = GBK_NAME.decode("utf-8", "backslashreplace")
REISSUED = "reissued/000_c669139aa1fe8f20_更正.txt"
EXPECTED = {
    LIAONING: ("loaded", None, 0),
    SHANGHAI: ("loaded", None, 0),
    "empty.txt": ("failed", "empty_file", 1),
    "seed-gbk.txt": ("duplicate", "duplicate_content", 0),
    "truncated.pdf": ("failed", "corrupt_pdf", 1),
    "encrypted.pdf": ("failed", "encrypted_pdf", 1),
    "scanned.pdf": ("failed", "no_readable_text", 1),
    "notes.md": ("failed", "not_a_report", 1),
    SEED_COPY: ("loaded", None, 0),
    REISSUED: ("loaded", None, 0),
    "traditional.txt": ("duplicate", "duplicate_content", 0),
    "budget-2025.pdf": ("loaded", None, 0),
    ".DS_Store": (None, "hidden_file", 1),
    "pipe.pdf": (None, "not_a_regular_file", 1),
    GBK_NAMED: (None, "bad_file_name", 1),
    "link-outside.txt": (None, "unsafe_path", 1),
    "dotdot.txt": (None, "unsafe_path", 1),
    "up": (None, "unsafe_path", 1),
}
MESSAGES = {
    "empty.txt": "empty.txt is empty (0 bytes)",
    "truncated.pdf": "truncated.pdf cannot be opened as a PDF: PSEOF: Unexpected EOF",
    "scanned.pdf": "none of the 1 pages of scanned.pdf has readable text: 1 scanned (images only: it needs OCR)",
}


def build_batch(base: Path) -> Path:
    raw = base / "raw"
    shutil.copytree(RAW, raw)
    outside = base / "outside"
    write(outside / "secret.txt", SEED_TEXT.encode())
    write(raw / "empty.txt", b"")
    write(raw / "seed-gbk.txt", gbk_seed())
    write(raw / "truncated.pdf", truncated_pdf())
    write(raw / "encrypted.pdf", encrypted_pdf())
    write(raw / "scanned.pdf", scanned_pdf())
    write(raw / "notes.md", (REPO / "README.md").read_bytes())
    write(raw / SEED_COPY, (RAW / LIAONING).read_bytes())
    write(raw / REISSUED, reissued_seed())
    write(raw / "traditional.txt", traditional_seed())
    write(raw / "budget-2025.pdf", budget_pdf())
    os.symlink(outside / "secret.txt", raw / "link-outside.txt")  # absolute link out of raw/
    os.symlink("../outside/secret.txt", raw / "dotdot.txt")  # a '..' path out of raw/
    os.symlink("..", raw / "up")  # a directory link to raw/'s parent
    write(raw / ".DS_Store", b"\0\0\0\1Bud1")
    os.mkfifo(raw / "pipe.pdf")
    with open(os.fsencode(raw) + b"/" + GBK_NAME, "wb") as handle:
        handle.write(SEED_TEXT.encode())
    assert sorted(EXPECTED) == sorted(_list(raw)), sorted(_list(raw))
    return raw


def _list(raw: Path) -> list[str]:
    from gongkai.warehouse.raw_folder import list_raw_files

    return list_raw_files(raw)


def file_states(base: Path) -> dict[str, tuple]:
    """Bytes hash, mtime and link target of every input under ``base``/raw and ``base``/outside (links: lstat and
    target), to prove nothing was changed, moved or deleted."""
    states = {}
    for root, dirs, files in [w for top in ("raw", "outside") for w in os.walk(base / top, followlinks=False)]:
        for name in files + [d for d in dirs if (Path(root) / d).is_symlink()]:
            path = Path(root) / name
            if path.is_symlink():
                states[str(path)] = ("link", os.readlink(path), path.lstat().st_mtime_ns)
            elif not path.is_file():  # a FIFO: never opened, by the pipeline or here
                states[str(path)] = ("special", path.lstat().st_mode, path.lstat().st_mtime_ns)
            else:
                states[str(path)] = ("file", hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    return states


# --- warehouse fingerprints --------------------------------------------------------------------------------------------


def fingerprint(warehouse: Path) -> dict[str, tuple[int, int]]:
    """Per table of every schema: (row count, order-independent hash of the rows). Timestamps (first/last seen,
    validated_at) and quality.gx_results (one row per check run, keyed by run id) are left out; doubles are
    rounded to 1e-6 so that a different summation order in a parallel aggregate cannot differ."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            "AND NOT (table_schema = 'quality' AND table_name = 'gx_results') ORDER BY 1, 2"
        ).fetchall()
        out = {}
        for schema, name in tables:
            cols = con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = ? "
                "AND table_name = ? ORDER BY ordinal_position", [schema, name]
            ).fetchall()
            exprs = [f'round("{c}", 6)' if t in ("DOUBLE", "FLOAT") else f'"{c}"'
                     for c, t in cols if not t.startswith("TIMESTAMP")]
            row = f"hash(row({', '.join(exprs)}))" if exprs else "0"
            out[f"{schema}.{name}"] = con.execute(
                f'SELECT count(*), coalesce(sum({row}::HUGEINT), 0) FROM "{schema}"."{name}"'
            ).fetchone()
        return out
    finally:
        con.close()


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- the batch: one real run over every bad input ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    import dagster as dg

    from gongkai.pipeline.run import run_pipeline

    base = tmp_path_factory.mktemp("reliability")
    raw = build_batch(base)
    warehouse = base / "warehouse" / "gongkai.duckdb"
    before = file_states(base)
    env = {"GONGKAI_RAW": str(raw), "GONGKAI_WAREHOUSE": str(warehouse)}
    with environment(**env):
        instance = dg.DagsterInstance.ephemeral()
        started = time.monotonic()
        result, summary = run_pipeline(instance=instance)
        elapsed = time.monotonic() - started
        logs = [entry.user_message for entry in instance.all_logs(result.run_id)]
    yield {"base": base, "raw": raw, "warehouse": warehouse, "result": result, "summary": summary, "logs": logs,
           "before": before, "after": file_states(base), "elapsed": elapsed, "env": env}


@pytest.mark.slow
def test_batch_run_succeeds_and_publishes(batch):
    summary = batch["summary"]
    assert batch["result"].success, f"steps {summary['failed_steps']}, checks {summary['failed_checks']}"
    assert batch["warehouse"].exists()
    # unsafe paths: ingest_errors only; the GBK and the traditional-character seed say what the seed says
    assert summary["reports"] == {"duplicate": 2, "failed": 5, "loaded": 5}


@pytest.mark.slow
def test_batch_every_input_has_its_outcome(batch):
    wh = batch["warehouse"]
    files = {p: (s, k, m) for p, s, k, m in query(
        wh, "SELECT path, status, error_kind, error_message FROM raw.report_files WHERE is_current")}
    errors = query(wh, "SELECT path, sha256, error_kind, message, first_seen, last_seen FROM raw.ingest_errors")
    by_path: dict[str, list] = {}
    for row in errors:
        by_path.setdefault(row[0], []).append(row)
    for path, (status, kind, n_errors) in EXPECTED.items():
        if status is None:
            assert path not in files, path
        else:
            assert files[path][:2] == (status, kind), (path, files[path])
        assert len(by_path.get(path, [])) == n_errors, (path, by_path.get(path))
        for _, sha, err_kind, message, first_seen, last_seen in by_path.get(path, []):
            assert err_kind == kind and message and "\n" not in message and "Traceback" not in message
            assert first_seen is not None and last_seen is not None
            if kind == "unsafe_path":
                assert sha == "" and "refused" in message and "outside the raw folder" in message
            elif status is None:  # never read: hidden, special, a name that is not UTF-8
                assert sha == "" and path not in files
            else:
                assert sha == hashlib.sha256((batch["raw"] / path).read_bytes()).hexdigest()
                assert files[path][2] == message  # the same text in report_files.error_message
    assert set(by_path) == {p for p, (_, _, n) in EXPECTED.items() if n}
    for path, message in MESSAGES.items():
        assert by_path[path][0][3] == message
    assert by_path["encrypted.pdf"][0][3].startswith("encrypted.pdf is encrypted")


@pytest.mark.slow
def test_batch_variants_load(batch):
    wh = batch["warehouse"]
    rows = dict(((p, (rid, dept, year, enc)) for p, rid, dept, year, enc in query(
        wh, "SELECT path, report_id, department, fiscal_year, encoding FROM raw.report_files "
            "WHERE status IN ('loaded', 'duplicate')")))
    assert rows["seed-gbk.txt"][1:] == ("辽宁省数据局", 2024, "gb18030")
    assert rows["traditional.txt"][1:3] == ("辽宁省数据局", 2024)
    # read like the seed, so recorded as its duplicates and not loaded again
    duplicates = query(wh, "SELECT path, duplicate_of FROM raw.report_files WHERE status = 'duplicate' ORDER BY path")
    assert duplicates == [("seed-gbk.txt", rows[LIAONING][0]), ("traditional.txt", rows[LIAONING][0])]
    assert query(wh, "SELECT count(*) FROM raw.table_cells WHERE report_id IN (?, ?)",
                 [rows["seed-gbk.txt"][0], rows["traditional.txt"][0]]) == [(0,)]
    # the same bytes under two names: two report_files rows, ONE report_id, its data loaded once
    assert rows[SEED_COPY][0] == rows[LIAONING][0]
    n_cells = query(wh, "SELECT count(*) FROM raw.table_cells WHERE report_id = ?", [rows[LIAONING][0]])[0][0]
    assert n_cells > 100 and n_cells == query(wh, "SELECT count(*) FROM raw.table_cells WHERE report_id = ? "
                                                  "AND file = ?", [rows[LIAONING][0], LIAONING])[0][0]
    # a re-issued report (same department and year, other numbers): both versions kept, both current
    assert rows[REISSUED][0] != rows[LIAONING][0] and rows[REISSUED][1:3] == ("辽宁省数据局", 2024)
    values = dict(query(wh, "SELECT f.path, c.value FROM raw.table_cells c JOIN raw.report_files f USING (report_id) "
                            "WHERE c.code = '2101101' AND c.table_family = 'expenditure' AND c.column_name = "
                            "(SELECT min(column_name) FROM raw.table_cells WHERE value = 84.11) "
                            "AND f.path IN (?, ?)", [LIAONING, REISSUED]))
    assert values == {LIAONING: 84.11, REISSUED: 84.12}
    versions = query(wh, "SELECT path, is_preferred FROM marts.dim_report_version WHERE department_as_printed = "
                         "'辽宁省数据局' AND kind = 'final' ORDER BY path")  # (the batch's budget is its own kind)
    assert sum(p for _, p in versions) == 1, versions  # one of the department-year's versions is used in comparisons


@pytest.mark.slow
def test_batch_messages_in_the_dagster_run_log(batch):
    logs = "\n".join(m for m in batch["logs"] if m)
    for path, (status, kind, _) in EXPECTED.items():
        if kind is None:
            continue
        if status == "duplicate":  # found when loading: the parse step read it like any report
            assert f"DUPLICATE {path}: the same report as another file" in logs, path
            continue
        word = "SKIPPED" if status == "skipped" else "UNREADABLE"
        assert f"{word} {path}: {status or 'failed'} [{kind}]" in logs, path


@pytest.mark.slow
def test_batch_summary_printed_by_gongkai_run(batch):
    """What `gongkai run` prints (exit 0: bad files never fail a run): every file not loaded, with its message."""
    from gongkai.pipeline.summary import format_summary

    text = format_summary(batch["summary"])
    assert "reports: loaded 5, failed 5, skipped 0, duplicate 2" in text
    assert "  seed-gbk.txt = 000_c669139aa1fe8f20.txt" in text
    assert "files not loaded (raw.ingest_errors): 11" in text
    assert "  pipe.pdf: [not_a_regular_file] pipe.pdf is a FIFO (named pipe), not a regular file; never opened" in text
    assert "  empty.txt: [empty_file] empty.txt is empty (0 bytes)" in text
    assert "  up: [unsafe_path] refused: 'up' resolves outside the raw folder" in text
    assert "failed check: raw_tables:ingest_errors (WARN)" in text


@pytest.mark.slow
def test_batch_originals_untouched(batch):
    assert batch["after"] == batch["before"]


# --- per-file deadline, page limit, a dying parser ---------------------------------------------------------------------


def spin_parse(path):
    """Stand-in for a PDF that makes the parser spin: 'spin*' files never return; others parse. (It sleeps rather
    than burning a core of a shared machine: the deadline kills the process with SIGKILL either way.)"""
    if Path(path).name.startswith("spin"):
        while True:
            time.sleep(0.5)
    from gongkai.extract.parser import parse_file

    return parse_file(path)


def dying_parse(path):
    """Stand-in for a parser that takes its process down (segfault in a C extension, the OOM killer)."""
    os.kill(os.getpid(), signal.SIGKILL)


def test_parse_timeout_through_the_parse_step(tmp_path, monkeypatch):
    """The parsed_report asset (the real Dagster step) with a monkeypatched spinning parser: the file is stopped at
    the deadline, recorded as 'timeout' (run log, staging, raw.ingest_errors) and the other file still parses."""
    import dagster as dg

    from gongkai.pipeline.assets import parsed_report, report_files_partitions
    from gongkai.pipeline.resources import WarehouseResource
    from gongkai.warehouse import staging
    from gongkai.warehouse.load import load_staged
    from gongkai.warehouse.staged import staged_result

    raw = tmp_path / "raw"
    write(raw / "spin.pdf", b"%PDF-1.4 spins")
    shutil.copy(RAW / LIAONING, raw / LIAONING)
    warehouse = tmp_path / "wh" / "gongkai.duckdb"
    monkeypatch.setattr(staging, "PARSE_FUNCTION", f"{__name__}:spin_parse")
    monkeypatch.setenv("GONGKAI_PARSE_TIMEOUT", "20")
    keys = [LIAONING, "spin.pdf", "../outside.txt"]
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(report_files_partitions.name, keys)
        started = time.monotonic()
        result = dg.materialize(
            [parsed_report], instance=instance,
            resources={"gongkai": WarehouseResource(raw=str(raw), warehouse=str(warehouse))},
            tags={"dagster/asset_partition_range_start": LIAONING, "dagster/asset_partition_range_end": "spin.pdf"},
        )
        elapsed = time.monotonic() - started
        logs = "\n".join(e.user_message for e in instance.all_logs(result.run_id) if e.user_message)
    assert result.success
    assert elapsed < 120, f"the deadline did not stop the parser ({elapsed:.0f} s)"
    assert ("UNREADABLE spin.pdf: failed [timeout] parsing took longer than 20 s (the per-file limit, "
            "GONGKAI_PARSE_TIMEOUT) and was stopped; the file was not loaded and is not parsed again until it changes "
            "(or `gongkai run --full-refresh`)") in logs
    assert f"{LIAONING}: parsed (辽宁省数据局 2024)" in logs
    # a '..' partition key (e.g. added by hand in the UI) is refused without being read
    [(refused, _)] = staging.stage_files(raw, ["../outside.txt"], warehouse.parent / "staging")
    assert refused.error_kind == "unsafe_path" and "not a plain path inside the raw folder" in refused.message
    con = duckdb.connect(str(tmp_path / "load.duckdb"))
    try:
        load_staged(con, warehouse.parent / "staging", raw)
        errors = con.execute("SELECT path, error_kind, sha256 FROM raw.ingest_errors").fetchall()
        files = con.execute("SELECT path, status FROM raw.report_files ORDER BY path").fetchall()
    finally:
        con.close()
    assert errors == [("spin.pdf", "timeout", hashlib.sha256(b"%PDF-1.4 spins").hexdigest())]
    assert files == [(LIAONING, "loaded"), ("spin.pdf", "failed")]
    # a timeout is cached with the file's content: the next run does not spend the deadline on it again
    assert staged_result(raw, "spin.pdf", warehouse.parent / "staging").error_kind == "timeout"
    assert staged_result(raw, LIAONING, warehouse.parent / "staging") is not None
    [(again, cached)] = staging.stage_files(raw, ["spin.pdf"], warehouse.parent / "staging")
    assert cached and again.error_kind == "timeout"
    write(raw / "spin.pdf", b"%PDF-1.4 spins, changed")  # a new content is parsed again
    assert staged_result(raw, "spin.pdf", warehouse.parent / "staging") is None


def test_dying_parser_is_recorded(tmp_path, monkeypatch):
    from gongkai.warehouse import staging

    raw = tmp_path / "raw"
    write(raw / "a.txt", SEED_TEXT.encode())
    monkeypatch.setattr(staging, "PARSE_FUNCTION", f"{__name__}:dying_parse")
    [(result, cached)] = staging.stage_files(raw, ["a.txt"], tmp_path / "staging", timeout=60)
    assert not cached and result.status == "failed" and result.error_kind == "parser_died"
    assert result.message.startswith("the parser process died (exit code -9)")


def blank_pdf(pages: int, declared: int | None = None) -> bytes:
    """A PDF of ``pages`` empty pages (cheap: no content streams) whose page tree says /Count ``declared``."""
    kids = " ".join(f"{n} 0 R" for n in range(3, pages + 3)).encode()
    count = str(pages if declared is None else declared).encode()
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                     b"<< /Type /Pages /Kids [" + kids + b"] /Count " + count + b" >>"]
                    + [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages)


def test_page_limit(tmp_path):
    """Over limits.MAX_PDF_PAGES the file is refused before parsing: the page tree's leaves are counted (no page is
    parsed), whatever /Count the tree declares. Between the extraction library's own MAX_PAGES and that, the first
    pages are read and a 'page_limit' issue recorded (tests/test_bad_input.py territory)."""
    from gongkai.warehouse.limits import MAX_PDF_PAGES, pdf_page_count
    from gongkai.warehouse.staging import stage_file

    raw = tmp_path / "raw"
    write(raw / "huge.pdf", blank_pdf(MAX_PDF_PAGES + 1))
    write(raw / "lies-small.pdf", blank_pdf(MAX_PDF_PAGES + 1, declared=1))  # says 1 page, holds 2001
    write(raw / "lies-big.pdf", blank_pdf(3, declared=10**6))  # says a million, holds 3
    write(raw / "ok.pdf", blank_pdf(3))
    assert pdf_page_count((raw / "huge.pdf").read_bytes()) == MAX_PDF_PAGES + 1
    assert pdf_page_count((raw / "lies-small.pdf").read_bytes(), stop_after=10) == 10
    assert pdf_page_count((raw / "lies-big.pdf").read_bytes()) == 3
    assert pdf_page_count(b"not a pdf") is None and pdf_page_count(truncated_pdf()) is None
    for name in ("huge.pdf", "lies-small.pdf"):
        started = time.monotonic()
        result = stage_file(raw, name, tmp_path / "staging")
        assert time.monotonic() - started < 30
        assert (result.status, result.error_kind) == ("failed", "too_many_pages")
        assert result.message == (f"{name} has more than {MAX_PDF_PAGES} pages, the limit for one file (a "
                                  "department's final accounts run to tens of pages); not parsed")
    for name in ("lies-big.pdf", "ok.pdf"):
        assert stage_file(raw, name, tmp_path / "staging").error_kind != "too_many_pages"


# --- idempotence, crash, concurrency --------------------------------------------------------------------------------


def _wait_for(predicate, timeout: float, what: str, proc: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"{what}: the process ended first ({proc.returncode}): {proc.stderr.read()[-2000:]}")
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow
def test_crash_midway_then_clean_run_is_identical(batch):
    """Run 2 (a full refresh) is killed (-9, with its dbt child) once its build copy exists: meanwhile a reader sees the last complete
    warehouse and a second `gongkai run` is refused by the run lock. Afterwards the live file is byte-for-byte the
    previous one; the clean run 3 gives the same warehouse as run 1 (a re-run and a run after a crash)."""
    from gongkai.pipeline.run import run_pipeline

    if not batch["result"].success:
        pytest.skip("the batch run did not publish")
    wh, env = batch["warehouse"], {**os.environ, **batch["env"], "PYTHONUNBUFFERED": "1"}
    first = fingerprint(wh)
    live_sha = sha256_file(wh)
    errors_before = query(wh, "SELECT path, first_seen FROM raw.ingest_errors ORDER BY path")
    build = wh.parent / "build"
    before_builds = set(build.glob("*.duckdb")) if build.exists() else set()

    # a full refresh re-parses every file and rebuilds every model: long enough to be killed midway (a run with
    # nothing new now skips dbt and takes recorded GX outcomes, and could end before the reader and the second run)
    victim = subprocess.Popen(GONGKAI + ["run", "--full-refresh"], env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, start_new_session=True)
    try:
        _wait_for(lambda: set(build.glob("*.duckdb")) - before_builds, 240, "the build copy", victim)
        # a reader during the run: the last complete warehouse
        reader = subprocess.run(GONGKAI + ["query", "SELECT count(*) AS n FROM raw.report_files"], env=env,
                                cwd=REPO, capture_output=True, text=True, timeout=120)
        # a second run at the same time: refused by the run lock, with a clear message
        second = subprocess.run(GONGKAI + ["run"], env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
        assert victim.poll() is None, "the run finished before it could be killed"
    finally:
        os.killpg(victim.pid, signal.SIGKILL)  # kill -9 the run and its dbt child
        victim.wait()
    n_files = query(wh, "SELECT count(*) FROM raw.report_files")[0][0]
    assert reader.returncode == 0 and f"\n{n_files}" in reader.stdout and "(1 row)" in reader.stdout, reader
    assert second.returncode == 3, (second.returncode, second.stderr[-2000:])
    assert "another `gongkai run` is already running on" in second.stderr and "pid " in second.stderr
    assert "Traceback" not in second.stderr and second.stderr.count("\n") == 1

    assert sha256_file(wh) == live_sha  # never half-written: still the previous good version
    assert not Path(str(wh) + ".wal").exists()

    with environment(**batch["env"]):
        result, summary = run_pipeline()  # the lock died with the killed run: no wait
    assert result.success, summary
    again = fingerprint(wh)
    assert again.keys() == first.keys()
    assert {k: v for k, v in again.items() if v != first[k]} == {}
    assert query(wh, "SELECT path, first_seen FROM raw.ingest_errors ORDER BY path") == errors_before


def test_run_lock_waits_or_refuses(tmp_path):
    from gongkai.pipeline.run_lock import RunLocked, run_lock

    warehouse = tmp_path / "wh" / "gongkai.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; from gongkai.pipeline.run_lock import run_lock\n"
         "with run_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(3)", str(warehouse)],
        stdout=subprocess.PIPE, text=True, cwd=REPO,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(RunLocked) as refused:
            with run_lock(warehouse):
                pass
        assert f"another `gongkai run` is already running on {warehouse} (pid {holder.pid}" in str(refused.value)
        waited = []
        started = time.monotonic()
        with run_lock(warehouse, wait=True, on_wait=waited.append):
            assert time.monotonic() - started > 0.5  # queued behind the holder
        assert waited and waited[0].startswith(f"pid {holder.pid}")
    finally:
        holder.kill()
        holder.wait()


# --- security ---------------------------------------------------------------------------------------------------------


def test_ui_binds_loopback():
    out = subprocess.run(["make", "-n", "ui"], cwd=REPO, capture_output=True, text=True, timeout=60).stdout
    [line] = [line for line in out.splitlines() if "dagster dev" in line]
    assert " -h 127.0.0.1 " in f"{line} "
    for name in ("Makefile", "dagster.yaml", "workspace.yaml", "pyproject.toml"):
        text = (REPO / name).read_text()
        assert "0.0.0.0" not in text and "--host" not in text, name


@pytest.mark.parametrize("sql", [
    "CREATE TABLE marts.y (a INT)",
    "INSERT INTO marts.fct_x VALUES ('x', 1)",
    "UPDATE marts.fct_x SET total = 0",
    "DELETE FROM marts.fct_x",
    "DROP TABLE marts.fct_x",
])
def test_query_refuses_writes(tmp_path, capsys, sql):
    from gongkai.cli import main

    path = tmp_path / "gongkai.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.fct_x AS SELECT '辽宁省数据局' AS department, 84.11 AS total")
    con.close()
    before = sha256_file(path)
    assert main(["query", sql, "--warehouse", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("gongkai: query refused: `gongkai query` opens the warehouse read-only, so it cannot change it")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert sha256_file(path) == before


@pytest.mark.parametrize("sql", [
    "COPY marts.fct_x TO '{dir}/stolen.csv'",
    "COPY (SELECT 1) TO '{dir}/stolen.parquet' (FORMAT parquet)",
    "EXPORT DATABASE '{dir}/stolen'",
    "ATTACH '{dir}/other.duckdb' AS other",
    "ATTACH '{dir}/stolen.duckdb' AS fresh",
    "SELECT * FROM read_csv('{dir}/other.csv')",
    "SELECT * FROM '{dir}/other.csv'",
    "SELECT * FROM read_text('/etc/hostname')",
    "SELECT * FROM glob('{dir}/*')",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "RESET lock_configuration",
])
def test_query_reads_the_warehouse_and_nothing_else(tmp_path, capsys, sql):
    """`gongkai query` can neither read nor write another file, attach a database, load an extension, nor switch
    those protections off."""
    from gongkai.cli import main

    path = tmp_path / "gongkai.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.fct_x AS SELECT '辽宁省数据局' AS department, 84.11 AS total")
    con.close()
    other = duckdb.connect(str(tmp_path / "other.duckdb"))
    other.execute("CREATE TABLE secret AS SELECT 42 AS x")
    other.close()
    (tmp_path / "other.csv").write_text("secret\n42\n")
    before = {p.name: sha256_file(p) for p in tmp_path.iterdir()}
    assert main(["query", sql.format(dir=tmp_path), "--warehouse", str(path)]) == 1
    out, err = capsys.readouterr()
    assert err.startswith("gongkai: query refused: `gongkai query` "), err
    assert err.count("\n") == 1 and "Traceback" not in err and "42" not in out
    assert {p.name: sha256_file(p) for p in tmp_path.iterdir()} == before  # nothing written, nothing new
    assert main(["query", "SELECT total FROM marts.fct_x", "--warehouse", str(path)]) == 0
    assert "84.11" in capsys.readouterr().out
