"""The loader: staging to Parquet, single-writer load, versions, errors, unsafe paths, determinism."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb
import pytest

from gongkai.extract.records import Cell, Check, Report, Source, Table, TableRow
from gongkai.warehouse.load import load_staged
from gongkai.warehouse.raw_folder import list_raw_files, partition_key_for, path_for_partition_key
from gongkai.warehouse.rows import report_rows
from gongkai.warehouse.staged import arrow_schema
from gongkai.warehouse.staging import stage_file, stage_files
from tests.conftest import query


class FakeParseError(Exception):
    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


def fake_parse(path: Path) -> Report:
    """A tiny deterministic 'parser': 'dept;year;value' per file; 'BAD' raises; 'BUDGET' is a budget report."""
    data = path.read_bytes()
    text = data.decode()
    if text.startswith("BAD"):
        raise FakeParseError("not_a_report", "no report title, year or standard table found")
    dept, year, value = text.strip().split(";")
    src = Source(path.name, 1, 3)
    row = TableRow(
        index=0,
        label="一般公共服务支出",
        code="201",
        level=1,
        source=src,
        cells=[
            Cell("合计", float(value), value, "value", Source(path.name, 1, 3)),
            Cell("基本支出", None, None, "blank", None),
            Cell("项目支出", None, "1.00", "ambiguous", Source(path.name, 1, 3), ("基本支出", "项目支出")),
        ],
    )
    table = Table("expenditure", "支出决算表", "公开03表", "万元", ("合计", "基本支出", "项目支出"), [row], src)
    return Report(
        file=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        format="text",
        department=dept,
        fiscal_year=int(year),
        kind="budget" if dept == "BUDGET" else "final",
        tables=[table],
        checks=[Check("total", "table", 1.0, 1.0, 0.01, "pass")],
    )


def ingest(raw: Path, warehouse: Path):
    staging = warehouse.parent / "staging"
    results = [stage_file(raw, rel, staging, parse=fake_parse) for rel in list_raw_files(raw)]
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(warehouse))
    try:
        summary = load_staged(con, staging, raw)
    finally:
        con.close()
    return results, summary


def test_rows_carry_provenance_and_candidates(tmp_path):
    (tmp_path / "a.txt").write_text("辽宁省数据局;2024;84.11")
    report = fake_parse(tmp_path / "a.txt")
    rows = report_rows(report, "abc", "sub/a.txt")
    cells = rows["table_cells"]
    assert [c["column_name"] for c in cells] == ["合计", "基本支出", "项目支出"]
    assert cells[0]["value"] == 84.11 and cells[0]["file"] == "sub/a.txt" and cells[0]["page"] == 1
    assert cells[1]["value"] is None and cells[1]["line"] == 3  # a blank cell takes its row's provenance
    assert cells[2]["candidates"] == "基本支出,项目支出"
    assert rows["reconciliation_checks"][0]["difference"] == 0.0


def test_reingest_changed_file_replaces_rows_and_keeps_old_version(tmp_path):
    raw, wh = tmp_path / "raw", tmp_path / "wh" / "g.duckdb"
    raw.mkdir()
    (raw / "a.txt").write_text("甲局;2024;10.5")
    (raw / "b.txt").write_text("乙局;2024;7.25")
    _, summary = ingest(raw, wh)
    assert sorted(summary.loaded) == ["a.txt", "b.txt"]
    old_id = hashlib.sha256(b"\xe7\x94\xb2\xe5\xb1\x80;2024;10.5").hexdigest()[:16]
    assert query(wh, "SELECT report_id FROM raw.report_files WHERE path = 'a.txt'") == [(old_id,)]

    original_b = (raw / "b.txt").read_bytes()
    (raw / "a.txt").write_text("甲局;2024;11.75")  # changed content at the same path
    _, summary = ingest(raw, wh)
    files = query(wh, "SELECT path, report_id, is_current, status FROM raw.report_files ORDER BY path, is_current")
    assert [(p, c) for p, _, c, _ in files] == [("a.txt", False), ("a.txt", True), ("b.txt", True)]
    assert files[0][1] == old_id
    values = query(wh, "SELECT f.path, c.value FROM raw.table_cells c JOIN raw.report_files f USING (report_id) "
               "WHERE c.column_name = '合计' ORDER BY f.path")
    assert values == [("a.txt", 11.75), ("b.txt", 7.25)]  # the old version's data rows are gone
    assert query(wh, "SELECT count(*) FROM raw.table_cells WHERE report_id = ?", [old_id]) == [(0,)]
    assert (raw / "b.txt").read_bytes() == original_b  # originals untouched


def test_corrupt_file_is_recorded_and_the_rest_loads(tmp_path):
    raw, wh = tmp_path / "raw", tmp_path / "wh" / "g.duckdb"
    raw.mkdir()
    (raw / "good.txt").write_text("甲局;2024;1")
    (raw / "bad.txt").write_text("BAD bytes")
    (raw / "budget.txt").write_text("BUDGET;2025;3")
    results, summary = ingest(raw, wh)
    by_path = {r.path: r for r in results}
    assert by_path["bad.txt"].status == "failed" and by_path["bad.txt"].error_kind == "not_a_report"
    assert sorted(summary.loaded) == ["budget.txt", "good.txt"] and summary.failed == ["bad.txt"]
    assert summary.skipped == []  # a budget (部门预算) loads like a final, with its kind
    status = query(wh, "SELECT path, status, error_kind, kind FROM raw.report_files ORDER BY path")
    assert status == [("bad.txt", "failed", "not_a_report", None), ("budget.txt", "loaded", None, "budget"),
                      ("good.txt", "loaded", None, "final")]
    errors = query(wh, "SELECT path, sha256, error_kind, message, first_seen, last_seen FROM raw.ingest_errors")
    assert len(errors) == 1 and errors[0][0] == "bad.txt" and errors[0][2] == "not_a_report"
    assert errors[0][1] == hashlib.sha256(b"BAD bytes").hexdigest()
    first_seen = errors[0][4]
    ingest(raw, wh)  # upsert: one row, first_seen kept, last_seen moves
    again = query(wh, "SELECT first_seen, last_seen FROM raw.ingest_errors")
    assert len(again) == 1 and again[0][0] == first_seen and again[0][1] >= errors[0][5]
    assert (raw / "bad.txt").read_text() == "BAD bytes"


def test_parser_crash_never_stops_the_batch(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "x.txt").write_text("whatever")

    def crash(path):
        raise ZeroDivisionError("boom")

    result = stage_file(raw, "x.txt", tmp_path / "staging", parse=crash)
    assert result.status == "failed" and result.error_kind == "parser_crash" and "boom" in result.message


def test_path_outside_raw_is_refused(tmp_path):
    raw, wh = tmp_path / "raw", tmp_path / "wh" / "g.duckdb"
    raw.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("甲局;2024;1")
    os.symlink(secret, raw / "link.txt")
    (raw / "ok.txt").write_text("乙局;2024;2")
    results, summary = ingest(raw, wh)
    link = next(r for r in results if r.path == "link.txt")
    assert link.status == "failed" and link.error_kind == "unsafe_path"
    assert query(wh, "SELECT path, error_kind FROM raw.ingest_errors") == [("link.txt", "unsafe_path")]
    assert query(wh, "SELECT path FROM raw.report_files") == [("ok.txt",)]
    result = stage_file(raw, "../secret.txt", tmp_path / "staging", parse=fake_parse)
    assert result.error_kind == "unsafe_path"


def test_same_raw_gives_identical_warehouse(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(3):
        (raw / f"r{i}.txt").write_text(f"局{i};2024;{i}.5")
    dumps = []
    for n in range(2):
        wh = tmp_path / f"wh{n}" / "g.duckdb"
        ingest(raw, wh)
        ingest(raw, wh)  # re-running on the same raw/ changes nothing
        dumps.append(query(wh, "SELECT * EXCLUDE (first_seen, last_seen) FROM raw.report_files ORDER BY ALL")
                     + query(wh, "SELECT * FROM raw.table_cells"))
    assert dumps[0] == dumps[1]


def test_staging_cache_and_partition_keys(tmp_path):
    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    (raw / "sub" / "a...b.txt").write_text("甲局;2024;1")
    key = partition_key_for("sub/a...b.txt")
    assert "..." not in key and path_for_partition_key(raw, key) == "sub/a...b.txt"
    assert partition_key_for("2024/x.pdf") == "2024/x.pdf"
    # the real parser is not used: cached results are returned for the same content
    first = stage_file(raw, "sub/a...b.txt", tmp_path / "staging", parse=fake_parse)
    [(cached, was_cached)] = stage_files(raw, ["sub/a...b.txt"], tmp_path / "staging")
    assert was_cached and cached.report_id == first.report_id and cached.status == "loaded"


@pytest.mark.skipif(not (Path(__file__).parents[1] / "raw" / "000_c669139aa1fe8f20.txt").exists(), reason="no seed")
def test_real_liaoning_file_loads(tmp_path):
    pytest.importorskip("gongkai.extract.parser")
    from tests.conftest import LIAONING, RAW

    staging = tmp_path / "staging"
    result = stage_file(RAW, LIAONING, staging)
    assert result.status == "loaded", result.summary()
    con = duckdb.connect(str(tmp_path / "g.duckdb"))
    try:
        load_staged(con, staging, RAW)
        n, bad = con.execute("SELECT count(*), count(*) FILTER (WHERE file <> ?) FROM raw.table_cells",
                             [LIAONING]).fetchone()
        dept = con.execute("SELECT department FROM raw.report_files").fetchone()[0]
    finally:
        con.close()
    assert n > 100 and bad == 0 and dept == "辽宁省数据局"


def test_an_incremental_load_leaves_unchanged_reports_alone(tmp_path, monkeypatch):
    import gongkai.warehouse.load as load

    raw, wh = tmp_path / "raw", tmp_path / "wh" / "g.duckdb"
    raw.mkdir()
    (raw / "a.txt").write_text("甲局;2024;10.5")
    (raw / "b.txt").write_text("乙局;2024;7.25")
    ingest(raw, wh)
    rewritten: list[str] = []
    delete = load._delete_report_rows
    monkeypatch.setattr(load, "_delete_report_rows", lambda con, rid: (rewritten.append(rid), delete(con, rid)))
    (raw / "b.txt").write_text("乙局;2024;8.00")  # b changes, a does not
    (raw / "c.txt").write_text("甲局;2024;10.5")  # a's bytes under a second name: no second copy of the rows
    ingest(raw, wh)
    a_id, old_b_id = (hashlib.sha256(t.encode()).hexdigest()[:16] for t in ("甲局;2024;10.5", "乙局;2024;7.25"))
    assert a_id not in rewritten  # a's rows were neither deleted nor inserted again
    assert old_b_id in rewritten  # the old version of b is retired
    values = query(wh, "SELECT file, value FROM raw.table_cells WHERE column_name = '合计' ORDER BY file")
    assert values == [("a.txt", 10.5), ("b.txt", 8.0)]
    assert query(wh, "SELECT count(*) FROM raw.table_cells") == [(6,)]  # two current reports × three cells
    assert query(wh, "SELECT file, count(*) FROM raw.load_state GROUP BY 1 ORDER BY 1") == [("a.txt", 1), ("b.txt", 1)]


def test_same_content_in_other_bytes_counts_once(tmp_path):
    """Two files that parse to the same report (here: other bytes, same 'dept;year;value') are one report: the first
    in path order is loaded, the other recorded as its duplicate; when the kept one goes, the other is loaded."""
    raw, wh = tmp_path / "raw", tmp_path / "wh" / "g.duckdb"
    raw.mkdir()
    (raw / "a.txt").write_text("甲局;2024;10.5")
    (raw / "b.txt").write_text("甲局;2024;10.5\n")  # re-saved: a trailing newline
    (raw / "c.txt").write_text("乙局;2024;10.5")  # the same numbers for another department: not a duplicate
    _, summary = ingest(raw, wh)
    assert summary.loaded == ["a.txt", "c.txt"] and summary.duplicates == ["b.txt"]
    files = query(wh, "SELECT path, report_id, status, duplicate_of, content_fingerprint IS NOT NULL FROM raw.report_files "
                  "ORDER BY path")
    (a, a_id, *_), (b, b_id, b_status, b_of, _), _ = files
    assert (b_status, b_of) == ("duplicate", a_id) and all(f[4] for f in files)
    assert query(wh, "SELECT report_id, count(*) FROM raw.table_cells GROUP BY 1 ORDER BY 1") == sorted(
        [(a_id, 3), (files[2][1], 3)])
    (raw / "a.txt").unlink()
    _, summary = ingest(raw, wh)
    assert summary.loaded == ["b.txt", "c.txt"] and summary.duplicates == []
    assert query(wh, "SELECT status, duplicate_of FROM raw.report_files WHERE path = 'b.txt'") == [("loaded", None)]
    assert query(wh, "SELECT count(*) FROM raw.table_cells WHERE report_id = ?", [b_id]) == [(3,)]
    assert query(wh, "SELECT count(*) FROM raw.table_cells WHERE report_id = ?", [a_id]) == [(0,)]


def test_a_staged_file_changed_after_parsing_is_not_loaded(tmp_path):
    """Staged Parquet carries the sha256 written with it (_meta.json); the loader checks it before loading. A
    changed copy is recorded as 'staging_corrupt', removed, and parsed again on the next run."""
    import pyarrow.parquet as pq

    raw, wh = tmp_path / "raw", tmp_path / "wh" / "g.duckdb"
    raw.mkdir()
    (raw / "a.txt").write_text("甲局;2024;10.5")
    [result] = ingest(raw, wh)[0]
    cells = result.staged_dir / "table_cells.parquet"
    table = pq.read_table(cells)
    forged = table.set_column(table.schema.get_field_index("value"), "value",
                              [[999.0 if v is not None else None for v in table.column("value").to_pylist()]])
    pq.write_table(forged, cells)
    wh.unlink()  # a fresh build: the forged rows would be inserted
    _, summary = ingest_staged_only(raw, wh)
    assert summary.failed == ["a.txt"] and summary.loaded == []
    assert query(wh, "SELECT status, error_kind FROM raw.report_files") == [("failed", "staging_corrupt")]
    assert query(wh, "SELECT path, error_kind FROM raw.ingest_errors") == [("a.txt", "staging_corrupt")]
    assert query(wh, "SELECT count(*) FROM raw.table_cells") == [(0,)]
    assert not result.staged_dir.exists()
    _, summary = ingest(raw, wh)  # parsed again: loads, and the error is over
    assert summary.loaded == ["a.txt"] and query(wh, "SELECT max(value) FROM raw.table_cells") == [(10.5,)]
    assert query(wh, "SELECT status FROM raw.report_files") == [("loaded",)]
    assert query(wh, "SELECT count(*) FROM raw.ingest_errors") == [(0,)]


def test_a_table_without_rows_is_staged_as_no_file_and_one_slipped_in_is_not_loaded(tmp_path):
    """Only tables with rows get a Parquet file (writing 14 files a report cost more than parsing it); a file that
    appears later for a table staged without rows is a changed staged copy: 'staging_corrupt', nothing loaded."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    raw, wh = tmp_path / "raw", tmp_path / "wh" / "g.duckdb"
    raw.mkdir()
    (raw / "a.txt").write_text("甲局;2024;10.5")
    [result] = ingest(raw, wh)[0]
    written = {p.stem for p in result.staged_dir.glob("*.parquet")}
    assert {"table_cells", "report_files"} <= written and "performance_projects" not in written
    assert query(wh, "SELECT max(value) FROM raw.table_cells") == [(10.5,)]
    row = {name: None for name in arrow_schema("performance_projects").names}
    pq.write_table(pa.Table.from_pylist([{**row, "report_id": result.report_id}],
                                        schema=arrow_schema("performance_projects")),
                   result.staged_dir / "performance_projects.parquet")
    wh.unlink()
    _, summary = ingest_staged_only(raw, wh)
    assert summary.failed == ["a.txt"] and query(wh, "SELECT count(*) FROM raw.performance_projects") == [(0,)]
    assert query(wh, "SELECT status, error_kind FROM raw.report_files") == [("failed", "staging_corrupt")]


def ingest_staged_only(raw: Path, warehouse: Path):
    con = duckdb.connect(str(warehouse))
    try:
        return None, load_staged(con, warehouse.parent / "staging", raw)
    finally:
        con.close()
