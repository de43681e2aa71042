"""One report counts once: the bundled reports plus copies of them in other bytes (GBK and UTF-16 text of the
seed, the Putuo PDF re-saved by pdfium) → a warehouse whose every fct_* mart equals that of the bundled reports."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from tests.conftest import environment, LIAONING, query, RAW, SHANGHAI

pytestmark = pytest.mark.skipif(not (RAW / SHANGHAI).exists(), reason="the bundled reports are needed")

def _resaved_pdf(source, dest) -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(source))
    try:
        pdf.save(str(dest), version=17)
    finally:
        pdf.close()


@pytest.fixture(scope="module")
def with_copies(tmp_path_factory):
    from gongkai.pipeline.run import run_pipeline

    base = tmp_path_factory.mktemp("duplicates")
    raw = base / "raw"
    shutil.copytree(RAW, raw)
    seed = (RAW / LIAONING).read_text(encoding="utf-8")
    (raw / "gbk").mkdir()
    (raw / "gbk" / "seed.txt").write_bytes(seed.encode("gb18030"))
    (raw / "utf16").mkdir()
    (raw / "utf16" / "seed.txt").write_bytes(seed.encode("utf-16"))
    (raw / "resaved").mkdir()
    _resaved_pdf(RAW / SHANGHAI, raw / "resaved" / "putuo.pdf")
    assert (raw / "resaved" / "putuo.pdf").read_bytes() != (RAW / SHANGHAI).read_bytes()
    warehouse = base / "warehouse" / "gongkai.duckdb"
    with environment(GONGKAI_RAW=str(raw), GONGKAI_WAREHOUSE=str(warehouse)):
        result, summary = run_pipeline()
    return {"warehouse": warehouse, "result": result, "summary": summary}


def fct_totals(warehouse) -> dict[str, tuple]:
    """Per fct_* mart: its row count and the sum of every numeric column (rounded to the cent)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [t for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' AND table_name LIKE 'fct_%' "
            "ORDER BY 1").fetchall()]
        totals = {}
        for table in tables:
            columns = [c for (c,) in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'marts' AND table_name = ? "
                "AND (data_type IN ('DOUBLE', 'FLOAT', 'INTEGER', 'BIGINT', 'HUGEINT') OR data_type LIKE 'DECIMAL%') "
                "ORDER BY column_name", [table]).fetchall()]
            sums = ", ".join(f'round(sum("{c}")::DOUBLE, 2)' for c in columns)
            totals[table] = con.execute(f'SELECT count(*){", " + sums if sums else ""} FROM marts."{table}"').fetchone()
        return totals
    finally:
        con.close()


@pytest.mark.slow
def test_copies_in_other_bytes_are_recorded_as_duplicates(with_copies):
    assert with_copies["result"].success, with_copies["summary"]
    wh = with_copies["warehouse"]
    files = {path: (rid, status, dup, fp) for path, rid, status, dup, fp in query(
        wh, "SELECT path, report_id, status, duplicate_of, content_fingerprint FROM raw.report_files WHERE is_current")}
    assert {p: s for p, (_, s, _, _) in files.items()} == {
        LIAONING: "loaded", "gbk/seed.txt": "duplicate", "utf16/seed.txt": "duplicate",
        SHANGHAI: "loaded", "resaved/putuo.pdf": "duplicate",
    }
    assert files["gbk/seed.txt"][2] == files["utf16/seed.txt"][2] == files[LIAONING][0]
    assert files["resaved/putuo.pdf"][2] == files[SHANGHAI][0]
    assert len({fp for _, _, _, fp in files.values()}) == 2  # two reports, five files
    assert query(wh, "SELECT count(DISTINCT report_id) FROM raw.table_cells") == [(2,)]
    assert with_copies["summary"]["reports"] == {"duplicate": 3, "loaded": 2}


@pytest.mark.slow
def test_every_fact_mart_sums_as_one_copy(with_copies, e2e):
    """The bundled raw/ (e2e: one copy of each report) and raw/ plus three copies give the same fct_* marts."""
    ours, theirs = fct_totals(with_copies["warehouse"]), fct_totals(e2e["warehouse"])
    assert ours.keys() == theirs.keys() and len(ours) > 5
    assert {t: (ours[t], theirs[t]) for t in ours if ours[t] != theirs[t]} == {}
    assert ours["fct_expenditure_by_function"][0] > 0


@pytest.mark.slow
def test_the_summary_names_each_duplicate(with_copies):
    from gongkai.pipeline.summary import format_summary

    text = format_summary(with_copies["summary"])
    assert "reports: loaded 2, failed 0, skipped 0, duplicate 3" in text
    assert f"  gbk/seed.txt = {LIAONING}" in text
    assert f"  resaved/putuo.pdf = {SHANGHAI}" in text
