"""Never lose the warehouse by mistake: what `gongkai run` refuses before it starts (one line, no traceback, the
warehouse untouched), the load step's own refusal, the per-warehouse run lock, and what killed or disk-full runs
leave behind."""

from __future__ import annotations

import errno
import hashlib
import os
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _restore_paths(monkeypatch):
    """`gongkai run --raw/--warehouse` sets GONGKAI_RAW/GONGKAI_WAREHOUSE for the process: undone after each test."""
    monkeypatch.delenv("GONGKAI_RAW", raising=False)
    monkeypatch.delenv("GONGKAI_WAREHOUSE", raising=False)


def _warehouse_with_reports(path: Path, reports: int = 2) -> str:
    """A warehouse holding ``reports`` current loaded reports (only what the refusal looks at); its sha256."""
    from gongkai.warehouse.load import create_raw_schema

    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        create_raw_schema(con)
        for n in range(reports):
            con.execute("INSERT INTO raw.report_files (report_id, path, sha256, size_bytes, status, first_seen, "
                        "last_seen, is_current) VALUES (?, ?, 'x', 1, 'loaded', now(), now(), true)",
                        [f"r{n}", f"{n}.txt"])
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(capsys, *argv) -> tuple[int, str]:
    from gongkai.cli import main

    status = main(["run", *argv])
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1, err
    return status, err.strip()


def test_a_missing_raw_folder_is_an_error(tmp_path, capsys):
    warehouse = tmp_path / "wh" / "gongkai.duckdb"
    status, err = _run(capsys, "--raw", str(tmp_path / "nope"), "--warehouse", str(warehouse))
    assert status == 2
    assert err == f"gongkai: the raw folder {tmp_path / 'nope'} does not exist (--raw / GONGKAI_RAW); nothing was run"
    assert not warehouse.exists()


def test_a_raw_path_that_is_a_file_is_an_error(tmp_path, capsys):
    (tmp_path / "raw.txt").write_text("x")
    status, err = _run(capsys, "--raw", str(tmp_path / "raw.txt"), "--warehouse", str(tmp_path / "g.duckdb"))
    assert status == 2 and err.endswith("is not a folder (--raw / GONGKAI_RAW); nothing was run")


def test_an_empty_raw_folder_does_not_empty_the_warehouse(tmp_path, capsys):
    raw, warehouse = tmp_path / "raw", tmp_path / "wh" / "gongkai.duckdb"
    raw.mkdir()
    before = _warehouse_with_reports(warehouse)
    status, err = _run(capsys, "--raw", str(raw), "--warehouse", str(warehouse))
    assert status == 2
    assert err == (f"gongkai: the raw folder {raw} holds no files, so this run would remove all 2 reports from "
                   f"{warehouse}; nothing was run (use `gongkai run --allow-empty` to empty it)")
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == before


def test_bad_warehouse_paths(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("x")
    (tmp_path / "folder.duckdb").mkdir()
    status, err = _run(capsys, "--raw", str(raw), "--warehouse", str(tmp_path / "folder.duckdb"))
    assert status == 2 and err == (f"gongkai: the warehouse path {tmp_path / 'folder.duckdb'} is a folder, not a file "
                                   "(--warehouse / GONGKAI_WAREHOUSE); nothing was run")
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes, not a warehouse")
    status, err = _run(capsys, "--raw", str(raw), "--warehouse", str(notes))
    assert status == 2 and err == (f"gongkai: {notes} is not a DuckDB database (--warehouse / GONGKAI_WAREHOUSE); "
                                   "nothing was run, and the file was left as it is")
    assert notes.read_text() == "my notes, not a warehouse"
    under_a_file = notes / "gongkai.duckdb"
    status, err = _run(capsys, "--raw", str(raw), "--warehouse", str(under_a_file))
    assert status == 2 and err.startswith(f"gongkai: cannot write in the warehouse folder {notes}: ")


def test_a_read_only_warehouse_folder(tmp_path, capsys):
    """A folder nobody may write in (/proc here: read-only even for root)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    status, err = _run(capsys, "--raw", str(raw), "--warehouse", "/proc/gongkai/gongkai.duckdb")
    assert status == 2 and err.startswith("gongkai: cannot write in the warehouse folder /proc/gongkai: ")


def test_the_run_lock_is_per_warehouse_and_a_held_lock_is_one_line(tmp_path, capsys):
    from gongkai.pipeline.run_lock import run_lock

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("x")
    first, second = tmp_path / "wh" / "a.duckdb", tmp_path / "wh" / "b.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from gongkai.pipeline.run_lock import run_lock\n"
         "with run_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(600)", str(first)],
        stdout=subprocess.PIPE, text=True, cwd=REPO,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with run_lock(second):  # another warehouse in the same folder is not blocked
            pass
        status, err = _run(capsys, "--raw", str(raw), "--warehouse", str(first))
        assert status == 3
        assert err.startswith(f"gongkai: another `gongkai run` is already running on {first} (pid {holder.pid}")
    finally:
        holder.kill()
        holder.wait()


def test_the_load_step_refuses_to_drop_every_report(tmp_path):
    """The same guard inside the pipeline (sensor and UI runs): a raw folder whose files all fail to load."""
    from gongkai.warehouse.load import LoadRefused, load_staged
    from gongkai.warehouse.staging import stage_file

    raw, staging = tmp_path / "raw", tmp_path / "staging"
    raw.mkdir()
    warehouse = tmp_path / "g.duckdb"
    _warehouse_with_reports(warehouse, reports=1)
    (raw / "junk.txt").write_text("not a report at all")
    stage_file(raw, "junk.txt", staging)
    con = duckdb.connect(str(warehouse))
    try:
        with pytest.raises(LoadRefused, match="would remove all 1 reports from the warehouse; refused"):
            load_staged(con, staging, raw)
        assert con.execute("SELECT count(*) FROM raw.report_files WHERE is_current").fetchone() == (1,)
        with pytest.raises(LoadRefused, match="does not exist or is not a folder"):
            load_staged(con, staging, tmp_path / "gone")
        load_staged(con, staging, raw, allow_empty=True)
        assert con.execute("SELECT count(*) FROM raw.report_files WHERE is_current AND status = 'loaded'"
                           ).fetchone() == (0,)
    finally:
        con.close()


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_leftovers_of_killed_runs_are_removed(tmp_path):
    """Build copies (with .wal and owner) of runs whose process is gone, half copies and orphan .wal files go; a
    build copy whose process still runs stays."""
    from gongkai.pipeline.resources import WarehouseResource

    resource = WarehouseResource(raw=str(tmp_path / "raw"), warehouse=str(tmp_path / "wh" / "gongkai.duckdb"))
    build = tmp_path / "wh" / "build"
    build.mkdir(parents=True)
    dead = _dead_pid()
    for name, text in [("killed.duckdb", "db"), ("killed.duckdb.wal", "wal"), ("killed.owner", str(dead)),
                       ("alive.duckdb", "db"), ("alive.owner", str(os.getpid())),
                       (f"x.copy-{dead}", "half"), ("gone.duckdb.wal", "wal")]:
        (build / name).write_text(text)
    removed = resource.discard_stale_builds(None, keep="this-run")
    assert sorted(p.name for p in removed) == sorted(
        ["killed.duckdb", "killed.duckdb.wal", "killed.owner", f"x.copy-{dead}", "gone.duckdb.wal"])
    assert sorted(p.name for p in build.iterdir()) == ["alive.duckdb", "alive.owner"]


def test_a_disk_full_copy_leaves_nothing_behind(tmp_path, monkeypatch):
    from gongkai.pipeline import resources

    warehouse = tmp_path / "wh" / "gongkai.duckdb"
    _warehouse_with_reports(warehouse)
    resource = resources.WarehouseResource(raw=str(tmp_path), warehouse=str(warehouse))

    def full_disk(src, dst):
        Path(dst).write_bytes(Path(src).read_bytes()[:100])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(resources.shutil, "copyfile", full_disk)
    with pytest.raises(OSError, match="No space left"):
        resource.start_build("run1", fresh=True)
    monkeypatch.undo()
    leftovers = [p.name for p in (tmp_path / "wh" / "build").iterdir()]
    assert not [n for n in leftovers if ".copy-" in n]
    assert resource.start_build("run1", fresh=True).read_bytes() == warehouse.read_bytes()  # the next run works


def test_a_build_copy_made_in_the_background_is_the_one_the_load_gets(tmp_path, monkeypatch):
    """The parse step starts the build copy in a thread; the load's start_build waits for it and does not copy again.
    A background copy that failed (disk full) is made again by the step, whose own failure is the step's."""
    from gongkai.pipeline import resources

    warehouse = tmp_path / "wh" / "gongkai.duckdb"
    _warehouse_with_reports(warehouse)
    resource = resources.WarehouseResource(raw=str(tmp_path), warehouse=str(warehouse))
    copies = []
    real_copy = resources.shutil.copyfile

    def counted(src, dst):
        copies.append(dst)
        return real_copy(src, dst)

    monkeypatch.setattr(resources.shutil, "copyfile", counted)
    resource.start_build_in_background("run1")
    assert resource.start_build("run1", fresh=True).read_bytes() == warehouse.read_bytes()
    assert len(copies) == 1

    failed = threading.Event()

    def full_disk(src, dst):
        Path(dst).write_bytes(Path(src).read_bytes()[:100])
        failed.set()
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(resources.shutil, "copyfile", full_disk)
    monkeypatch.setattr(resources.threading, "excepthook", lambda args: None)  # the thread's own report
    resource.start_build_in_background("run2")
    assert failed.wait(60)
    monkeypatch.setattr(resources.shutil, "copyfile", counted)
    assert resource.start_build("run2", fresh=True).read_bytes() == warehouse.read_bytes()
    assert len(copies) == 2
    assert not [p.name for p in (tmp_path / "wh" / "build").iterdir() if ".copy-" in p.name]
