"""Hostile and odd files in the raw folder: each is one row in raw.ingest_errors, never opened when it must not be,
the rest of the batch loads, nothing hangs; parse workers die with the run that started them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import LIAONING, RAW
from tests.pdf_bytes import raw_pdf, stream

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not (RAW / LIAONING).exists(), reason="the bundled seed report is needed")

GBK_NAME = "部门决算".encode("gbk") + b".txt"  # as a Windows zip leaves it: not UTF-8


@pytest.fixture()
def hostile_raw(tmp_path, monkeypatch):
    """The seed, plus: a GBK-named file, a FIFO, a socket, a hidden file and folder, a file over the size limit."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / LIAONING).write_bytes((RAW / LIAONING).read_bytes())
    with open(os.fsencode(raw) + b"/" + GBK_NAME, "wb") as handle:
        handle.write((RAW / LIAONING).read_bytes())
    os.mkfifo(raw / "pipe.pdf")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(raw / "sock.txt"))
    (raw / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (raw / ".git").mkdir()
    (raw / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (raw / "big.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))
    monkeypatch.setenv("GONGKAI_MAX_FILE_MB", "1")
    yield raw
    server.close()


SHOWN = GBK_NAME.decode("utf-8", "backslashreplace")  # invalid bytes as \\xNN, valid UTF-8 runs as text
EXPECTED = {  # path as recorded → (error_kind, start of the message)
    SHOWN: ("bad_file_name", f"the file name {SHOWN} (as GBK: 部门决算.txt) is not valid UTF-8"),
    "pipe.pdf": ("not_a_regular_file", "pipe.pdf is a FIFO (named pipe), not a regular file; never opened"),
    "sock.txt": ("not_a_regular_file", "sock.txt is a socket, not a regular file; never opened"),
    ".DS_Store": ("hidden_file", "skipped: .DS_Store is hidden"),
    ".git": ("hidden_file", "skipped: .git is hidden"),
    "big.pdf": ("too_large", "big.pdf is 2.0 MB, over the 1 MB limit for one file (GONGKAI_MAX_FILE_MB); not read"),
}


def test_each_hostile_file_is_one_ingest_error_and_the_seed_loads(hostile_raw, tmp_path):
    from gongkai.warehouse.load import load_staged
    from gongkai.warehouse.raw_folder import list_raw_files
    from gongkai.warehouse.staging import stage_files

    listed = list_raw_files(hostile_raw)
    assert sorted(listed) == sorted([LIAONING, *EXPECTED]), listed
    staging = tmp_path / "staging"
    started = time.monotonic()
    outcomes = stage_files(hostile_raw, listed, staging, timeout=120)  # parse workers, as a run does
    assert time.monotonic() - started < 120  # nothing waited on the FIFO or the socket
    by_path = {r.path: r for r, _ in outcomes}
    assert by_path[LIAONING].status == "loaded"
    con = duckdb.connect(str(tmp_path / "g.duckdb"))
    try:
        summary = load_staged(con, staging, hostile_raw)
        errors = con.execute("SELECT path, sha256, error_kind, message FROM raw.ingest_errors ORDER BY path").fetchall()
        loaded = con.execute("SELECT path, department FROM raw.report_files WHERE status = 'loaded'").fetchall()
    finally:
        con.close()
    assert loaded == [(LIAONING, "辽宁省数据局")] and summary.loaded == [LIAONING]
    assert len(errors) == len(EXPECTED)
    for path, sha, kind, message in errors:
        assert (kind, message[: len(EXPECTED[path][1])]) == EXPECTED[path], (path, kind, message)
        assert sha == "" and "\n" not in message  # none of them was read
    assert "GBK name from a Windows zip" in dict((p, m) for p, _, _, m in errors)[SHOWN]


def test_scanning_the_raw_folder_never_opens_a_fifo(hostile_raw, tmp_path):
    """The sensor's and the loader's look at the raw folder (content hashes) returns at once."""
    from gongkai.warehouse.raw_folder import scan_raw

    started = time.monotonic()
    current = scan_raw(hostile_raw, tmp_path / "staging")
    assert time.monotonic() - started < 10
    assert current["pipe.pdf"] == current["sock.txt"] == current[".DS_Store"] == ""
    assert len(current[LIAONING]) == 64


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_device_node_is_never_opened(tmp_path):
    from gongkai.warehouse.staging import stage_file

    raw = tmp_path / "raw"
    raw.mkdir()
    try:
        os.mknod(raw / "zero.txt", 0o600 | 0o020000, os.makedev(1, 5))  # like /dev/zero: reading never ends
    except PermissionError:
        pytest.skip("this container may not make device nodes")
    result = stage_file(raw, "zero.txt", tmp_path / "staging")
    assert (result.error_kind, result.message) == (
        "not_a_regular_file", "zero.txt is a character device, not a regular file; never opened")


def spin_and_tell(path):
    """A parser that never returns, after writing its pid where the test can find it."""
    Path(os.environ["GONGKAI_TEST_PID_FILE"]).write_text(str(os.getpid()))
    while True:
        time.sleep(0.2)


def test_parse_workers_die_with_the_run(tmp_path):
    """kill -9 of the process running the parse step leaves no parse worker behind."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("x")
    pid_file = tmp_path / "worker.pid"
    script = (
        "import sys; sys.path.insert(0, sys.argv[3])\n"
        "from pathlib import Path\n"
        "from gongkai.warehouse import staging\n"
        "staging.PARSE_FUNCTION = 'tests.test_hostile_files:spin_and_tell'\n"
        "staging.stage_files(Path(sys.argv[1]), ['a.txt'], Path(sys.argv[2]), timeout=600)\n"
    )
    env = {**os.environ, "GONGKAI_TEST_PID_FILE": str(pid_file), "PYTHONPATH": str(REPO)}
    run = subprocess.Popen([sys.executable, "-c", script, str(raw), str(tmp_path / "staging"), str(REPO)], env=env)
    try:
        deadline = time.monotonic() + 120
        while not pid_file.exists() and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.2)
        assert pid_file.exists(), "the parse worker never started"
        worker = int(pid_file.read_text())
        os.kill(worker, 0)  # running
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if not _running(worker):
            return
        time.sleep(0.2)
    os.kill(worker, signal.SIGKILL)
    pytest.fail("the parse worker outlived the run that started it")


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped (a container's init may never reap it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return state not in ("Z", "X")


def bomb_pdf(inflated_mb: int) -> bytes:
    """Two pages: the first's content stream inflates to ``inflated_mb`` MB (valid text operators, then spaces) from a
    few MB of Flate data — a decompression bomb; the second prints 'Hello'."""
    import zlib

    packer = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    bomb = packer.compress(b"BT /F1 12 Tf 72 720 Td (x) Tj ET\n")
    for _ in range(inflated_mb):
        bomb += packer.compress(chunk)
    bomb += packer.flush()
    return two_page_pdf(b" /Filter /FlateDecode", bomb)


def two_page_pdf(first_filter: bytes, first_content: bytes) -> bytes:
    """A PDF of two pages: the first's content stream as given, the second printing 'Hello' in Helvetica."""
    hello = b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R /Resources << /Font << /F1 7 0 R >> >> >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 6 0 R /Resources << /Font << /F1 7 0 R >> >> >>",
        stream(first_content, first_filter),
        stream(hello),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return raw_pdf(objects)


def test_a_page_past_its_deadline_is_unreadable_and_the_next_page_is_read(tmp_path, monkeypatch):
    """GONGKAI_PAGE_TIMEOUT stops one slow page (here 240,000 glyphs, ~1–2 s, under a 0.2 s budget): that page is recorded
    'error', the next page is read."""
    from gongkai.extract.pdf_document import read_pdf_document

    glyphs = b"".join(b"BT /F1 1 Tf %d %d Td (%s) Tj ET\n" % (10 + i % 500, 10 + i // 500 % 800, b"x" * 60)
                      for i in range(4000))
    monkeypatch.setenv("GONGKAI_PAGE_TIMEOUT", "0.2")
    document = read_pdf_document(tmp_path / "slow.pdf", data=two_page_pdf(b"", glyphs))
    assert [p.status for p in document.pages] == ["error", "text"]
    assert [line.text for line in document.lines] == ["Hello"]
    monkeypatch.setenv("GONGKAI_PAGE_TIMEOUT", "0")
    assert [p.status for p in read_pdf_document(tmp_path / "slow.pdf", data=two_page_pdf(b"", glyphs)).pages] == [
        "text", "text"]


def test_a_decompression_bomb_is_stopped_by_the_worker_memory_cap(tmp_path, monkeypatch):
    """A page inflating to 2 GB in a worker capped at 1 GB (GONGKAI_PARSE_MEMORY_MB) is stopped: the file gets one clear
    outcome long before the deadline, cached until the file changes."""
    from gongkai.warehouse.staging import stage_files

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "bomb.pdf").write_bytes(bomb_pdf(2048))
    assert (raw / "bomb.pdf").stat().st_size < 10 * 2**20
    monkeypatch.setenv("GONGKAI_PARSE_MEMORY_MB", "1024")
    started = time.monotonic()
    [(result, _)] = stage_files(raw, ["bomb.pdf"], tmp_path / "staging", timeout=300)
    elapsed = time.monotonic() - started
    # PDFium either refuses the page (recorded as an unreadable page, the rest read) or its allocation fails and
    # the worker ends: 'memory_limit', never 'parser_died' (which is retried on every run)
    assert result.error_kind not in ("timeout", "parser_died"), result.summary()
    assert elapsed < 200, f"{elapsed:.0f} s"


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the swallowed alarm, on purpose
def test_a_deadline_whose_alarm_is_swallowed_still_stops_the_page(tmp_path, monkeypatch):
    """The alarm's exception is lost when it fires inside a gc callback (hypothesis installs one): the page that ends
    past its deadline is still 'error'."""
    import gc

    from gongkai.extract.pdf_document import read_pdf_document

    def swallowing_gc_callback(phase, info):
        time.sleep(0.01)  # the alarm fires here, and its exception is ignored with the callback's

    glyphs = b"".join(b"BT /F1 1 Tf %d %d Td (%s) Tj ET\n" % (10 + i % 500, 10 + i // 500 % 800, b"x" * 60)
                      for i in range(4000))
    monkeypatch.setenv("GONGKAI_PAGE_TIMEOUT", "0.2")
    gc.callbacks.append(swallowing_gc_callback)
    try:
        document = read_pdf_document(tmp_path / "slow.pdf", data=two_page_pdf(b"", glyphs))
    finally:
        gc.callbacks.remove(swallowing_gc_callback)
    assert [p.status for p in document.pages][-1] == "text"
    assert document.pages[0].status == "error"


WORKER_SETTINGS_SCRIPT = """
import os, sys
from pathlib import Path
from gongkai.warehouse.staging import stage_files, start_workers_early

raw, staging = Path(sys.argv[1]), Path(sys.argv[2])
start_workers_early()  # the worker server starts under GONGKAI_MAX_FILE_MB=0.01 (10 kB)
del os.environ["GONGKAI_MAX_FILE_MB"]  # the next run has the default limit
[(result, _cached)] = stage_files(raw, [sys.argv[3]], staging, timeout=120)
print(result.status, result.error_kind)
"""


def test_parse_workers_take_the_callers_limits_not_the_ones_their_server_started_with(tmp_path):
    """The worker server outlives the run that started it: a limit set then must not refuse files later."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / LIAONING).write_bytes((RAW / LIAONING).read_bytes())  # ≈ 60 kB: over 10 kB, under the default
    env = dict(os.environ, GONGKAI_MAX_FILE_MB="0.01", GONGKAI_PARSE_TIMEOUT="120")
    done = subprocess.run([sys.executable, "-c", WORKER_SETTINGS_SCRIPT, str(raw), str(tmp_path / "staging"), LIAONING],
                          env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-2:] == ["loaded", "None"]
