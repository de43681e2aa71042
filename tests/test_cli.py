"""The gongkai command: parse, query (read-only, busy message), export errors."""

from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pytest

from gongkai.cli import main
from tests.conftest import LIAONING, RAW, SEED, SHANGHAI_PDF


def test_parse_prints_json(capsys):
    pytest.importorskip("gongkai.extract.serialize")
    assert main(["parse", str(RAW / LIAONING)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "辽宁省数据局" in json.dumps(data, ensure_ascii=False)


def test_parse_unreadable_is_one_line_exit_2(tmp_path, capsys):
    pytest.importorskip("gongkai.extract.parser")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert main(["parse", str(empty)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "empty.txt" in err
    assert main(["parse", str(tmp_path / "missing.pdf")]) == 2


def test_parse_garbage_never_tracebacks(tmp_path):
    pytest.importorskip("gongkai.extract.parser")
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.4 not really a pdf \x00\x01")
    proc = subprocess.run([sys.executable, "-m", "gongkai.cli", "parse", str(junk)], capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1


def test_the_command_ends_without_teardown_and_loses_no_output():
    """As a process, the command ends with os._exit after the exit hooks (cli.exit_without_teardown): everything it
    printed arrives, its exit status is kept, and a reader that stops early (`| head`) gets no traceback."""
    pytest.importorskip("gongkai.extract.serialize")
    command = [sys.executable, "-m", "gongkai.cli", "parse", str(RAW / LIAONING)]
    proc = subprocess.run(command, capture_output=True, text=True)
    assert proc.returncode == 0 and json.loads(proc.stdout)["department"] == "辽宁省数据局", proc.stderr[-500:]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as early:
        early.stdout.read(10)
        early.stdout.close()
        stderr = early.stderr.read().decode()
    assert early.returncode in (0, 1) and "Traceback" not in stderr, stderr


@pytest.fixture()
def small_warehouse(tmp_path):
    path = tmp_path / "gongkai.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.fct_x AS SELECT '辽宁省数据局' AS department, 84.11 AS total")
    con.close()
    return path


def test_query_is_read_only(small_warehouse, capsys):
    assert main(["query", "SELECT * FROM marts.fct_x", "--warehouse", str(small_warehouse)]) == 0
    out = capsys.readouterr().out
    assert "辽宁省数据局" in out and "84.11" in out and "(1 row)" in out
    assert main(["query", "CREATE TABLE marts.y (a INT)", "--warehouse", str(small_warehouse)]) == 1
    assert "read-only" in capsys.readouterr().err.lower()


def test_query_busy_when_a_writer_holds_the_lock(small_warehouse, capsys):
    writer = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(30)",
         str(small_warehouse)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "ready"
        assert main(["query", "SELECT 1", "--warehouse", str(small_warehouse)]) == 3
        err = capsys.readouterr().err
        assert "busy" in err and "retry" in err and "Traceback" not in err
    finally:
        writer.kill()
        writer.wait()


def test_query_missing_warehouse(tmp_path, capsys):
    assert main(["query", "SELECT 1", "--warehouse", str(tmp_path / "none.duckdb")]) == 1
    assert "gongkai run" in capsys.readouterr().err


def test_export_formats_and_unknown_mart(small_warehouse, tmp_path):
    for fmt in ("csv", "parquet", "xlsx"):
        out = tmp_path / f"x.{fmt}"
        assert main(["export", "fct_x", "--format", fmt, "--out", str(out), "--warehouse", str(small_warehouse)]) == 0
        assert out.stat().st_size > 0
    assert "辽宁省数据局" in (tmp_path / "x.csv").read_text(encoding="utf-8-sig")
    assert main(["export", "nope", "--format", "csv", "--out", str(tmp_path / "n.csv"),
                 "--warehouse", str(small_warehouse)]) == 1
    assert main(["export", "x; drop", "--format", "csv", "--out", str(tmp_path / "n.csv"),
                 "--warehouse", str(small_warehouse)]) == 1


def test_watch_reruns_once_per_settled_change_of_content(tmp_path):
    """`gongkai run --watch` on a real raw folder: a touched-but-unchanged file runs nothing; a new report runs once,
    after it has held still for an interval; removing it runs once more."""
    import os
    import shutil

    from gongkai.pipeline.watch import watch
    from gongkai.warehouse.raw_folder import scan_raw

    raw, staging = tmp_path / "raw", tmp_path / "staging"
    raw.mkdir()
    shutil.copy(SEED, raw / SEED.name)
    pdf = SHANGHAI_PDF
    steps = iter([
        lambda: os.utime(raw / SEED.name),  # poll 1: touched, same content
        lambda: shutil.copy(pdf, raw / pdf.name),  # poll 2: a new report …
        lambda: None,  # … settles: run
        lambda: None,  # poll 3: nothing
        lambda: (raw / SEED.name).unlink(),  # poll 4: removed …
        lambda: None,  # … settles: run
    ])
    runs = []
    watch(lambda: runs.append(sorted(scan_raw(raw, staging))), lambda: scan_raw(raw, staging), interval=0,
          cycles=4, sleep=lambda _: next(steps)())
    assert runs == [[SEED.name], sorted([SEED.name, pdf.name]), [pdf.name]]


def test_watch_runs_at_once_for_a_report_moved_in_whole(tmp_path):
    """A report moved into the raw folder whole (last written a minute ago) runs on the look that finds it; one being
    copied in now (written now) still waits for the next look to show it holding still."""
    import os
    import shutil
    import time

    from gongkai.pipeline.watch import watch, written_before
    from gongkai.warehouse.raw_folder import scan_raw

    raw, staging, outside = tmp_path / "raw", tmp_path / "staging", tmp_path / "outside"
    raw.mkdir()
    outside.mkdir()
    shutil.copy(SEED, raw / SEED.name)
    shutil.copy(SHANGHAI_PDF, outside / SHANGHAI_PDF.name)
    minute_ago = time.time() - 60
    os.utime(outside / SHANGHAI_PDF.name, (minute_ago, minute_ago))
    steps = iter([
        lambda: os.rename(outside / SHANGHAI_PDF.name, raw / SHANGHAI_PDF.name),  # look 1: moved in: run
        lambda: shutil.copy(SEED, raw / "copy.txt"),  # look 2: copied now …
        lambda: None,  # … held still: run
    ])
    sleeps, runs = [], []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        next(steps)()

    watch(lambda: runs.append(sorted(scan_raw(raw, staging))), lambda: scan_raw(raw, staging), interval=0,
          cycles=2, sleep=sleep, settled=lambda before, now: written_before(raw, before, now, 30))
    assert runs == [[SEED.name], sorted([SEED.name, SHANGHAI_PDF.name]),
                    sorted(["copy.txt", SEED.name, SHANGHAI_PDF.name])]
    assert len(sleeps) == 3  # two looks, and one more for the copy only
    assert not written_before(raw, {}, {"gone.txt": "x"}, 30)  # a path that cannot be looked at: look again


def test_watch_starts_the_gx_worker_before_its_first_run(monkeypatch):
    """`gongkai run --watch` starts the GX worker (Great Expectations imported, its context open, in a process of its
    own) before its first run and keeps it: the checks of the next new report do not pay for the import; after that
    run it has dbt imported in the background (gongkai.pipeline.dbt_manifests.preload), for the next new report's
    dbt step."""
    import gongkai.pipeline.run
    import gongkai.pipeline.watch
    from gongkai.pipeline.command import watch_raw_folder
    from gongkai.quality import gx_worker

    events = []
    monkeypatch.setattr(gx_worker, "start", lambda: events.append("worker started"))
    monkeypatch.setattr(gongkai.pipeline.run, "preload_dbt", lambda: events.append("dbt preloading"))
    monkeypatch.setattr(gongkai.pipeline.watch, "watch", lambda run, scan, **kwargs: run())
    watch_raw_folder(lambda instance: events.append("run"), interval=0, on_change=lambda: None)
    assert events == ["worker started", "run", "dbt preloading"]


def test_a_watch_run_does_not_ask_which_files_are_stale_for_the_gx_worker_it_keeps(monkeypatch):
    """Before each run `gongkai run` asks which files are stale only to decide whether to start the GX worker: not
    when the worker this process started is alive (`--watch` keeps it); otherwise as before."""
    import gongkai.pipeline.command as command
    import gongkai.warehouse.staged as staged
    import gongkai.warehouse.staging as staging
    from gongkai.quality import gx_worker

    started = []
    monkeypatch.setattr(staging, "start_workers_early", lambda: None)
    monkeypatch.setattr(command, "has_spare_core", lambda: True)
    monkeypatch.setattr(gx_worker, "start", lambda: started.append("worker"))
    monkeypatch.setattr(gx_worker, "running", lambda: object())
    monkeypatch.setattr(staged, "stale_files", lambda *args: pytest.fail("asked which files are stale"))
    command.start_early(["a.txt"], full_refresh=False)
    assert started == []
    monkeypatch.setattr(gx_worker, "running", lambda: None)
    monkeypatch.setattr(staged, "stale_files", lambda *args: ["a.txt"])
    command.start_early(["a.txt"], full_refresh=False)
    assert started == ["worker"]


@pytest.fixture()
def class_warehouse(tmp_path):
    """A mart named and shaped as dim_function_class, with a LIST column, and fct_report_summary's total."""
    path = tmp_path / "gongkai.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.dim_function_class AS SELECT * FROM (VALUES "
                "('20805', '行政事业单位养老支出', ['行政事业单位养老支出', '行政事业单位离退休'], true), "
                "('2010601', '行政运行', ['行政运行'], true)) t(code, name, names_seen, in_reference)")
    con.execute("CREATE TABLE marts.fct_report_summary AS SELECT '辽宁省数据局' AS department, 5743.67 AS "
                "expenditure_total, NULL::DOUBLE AS income_total")
    con.close()
    return path


def test_query_formats(class_warehouse, capsys):
    sql = "SELECT code, names_seen FROM marts.dim_function_class ORDER BY code"
    assert main(["query", sql, "--format", "json", "--warehouse", str(class_warehouse)]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"code": "2010601", "names_seen": ["行政运行"]},
        {"code": "20805", "names_seen": ["行政事业单位养老支出", "行政事业单位离退休"]}]
    assert main(["query", sql, "--format", "csv", "--warehouse", str(class_warehouse)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "code,names_seen", "2010601,行政运行", "20805,行政事业单位养老支出; 行政事业单位离退休"]
    assert main(["query", sql, "--warehouse", str(class_warehouse)]) == 0
    table = capsys.readouterr().out
    assert "行政事业单位养老支出; 行政事业单位离退休" in table and table.rstrip().endswith("(2 rows)")


def test_export_xlsx_has_chinese_labels_units_frozen_header_and_readable_lists(class_warehouse, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "classes.xlsx"
    assert main(["export", "dim_function_class", "--format", "xlsx", "--out", str(out),
                 "--warehouse", str(class_warehouse)]) == 0
    sheet = load_workbook(out).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    # row 2: meta.zh of _marts.yml (a kind such as 'boolean' is not a unit)
    assert rows[:2] == [["code", "name", "names_seen", "in_reference"], ["科目编码", "科目名称", "曾用名称", "参考目录内"]]
    assert rows[2] == ["20805", "行政事业单位养老支出", "行政事业单位养老支出; 行政事业单位离退休", True]
    assert sheet.freeze_panes == "A3"

    out = tmp_path / "totals.xlsx"
    assert main(["export", "--sql", "SELECT department, expenditure_total, income_total FROM marts.fct_report_summary",
                 "--format", "xlsx", "--out", str(out), "--warehouse", str(class_warehouse)]) == 0
    rows = [[c.value for c in row] for row in load_workbook(out).active.iter_rows()]
    assert rows == [["department", "expenditure_total", "income_total"], ["部门", "本年支出合计（万元）", "本年收入合计（万元）"],
                    ["辽宁省数据局", 5743.67, None]]  # a blank stays blank


def test_export_needs_a_mart_or_sql_and_refuses_writes(class_warehouse, tmp_path, capsys):
    out = str(tmp_path / "x.csv")
    assert main(["export", "--format", "csv", "--out", out, "--warehouse", str(class_warehouse)]) == 1
    assert main(["export", "--sql", "DROP TABLE marts.dim_function_class", "--format", "csv", "--out", out,
                 "--warehouse", str(class_warehouse)]) == 1
    assert "read-only" in capsys.readouterr().err
