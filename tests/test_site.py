"""Department profiles (gongkai.site): the pages the pipeline's `department_profiles` asset writes next to the
warehouse, on the bundled reports (辽宁省数据局 2024 决算: 本年支出合计 5,516.90 万元; 上海市普陀区财政局 2024 决算),
and the SVG charts they draw."""

from __future__ import annotations

import pytest

from conftest import LIAONING, RAW, SHANGHAI
from gongkai.site.build import _score_band
from gongkai.site.charts import bar_chart, line_chart, score_chart
from gongkai.site.index import _year_table
from gongkai.site.sources import SourceLinks


def test_bar_chart_draws_one_bar_per_value_and_skips_blanks():
    svg = bar_chart("t", ["2023", "2024"], [("基本支出", [10.0, 20.0]), ("项目支出", [None, 5.0])])
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert svg.count("</title></rect>") == 3  # a bar per value (legend swatches have no title); a blank, none
    assert "基本支出" in svg and "项目支出 2024: 5.00" in svg


def test_line_chart_breaks_at_a_blank():
    svg = line_chart("t", ["2022", "2023", "2024"], [("机关运行经费", [1.0, None, 3.0])])
    assert svg.count("<circle") == 2 and "<polyline" not in svg  # no segment spans the blank year


def test_score_chart_draws_a_bar_per_scored_project_on_a_0_to_100_scale():
    svg = score_chart("t", ["2024 辽宁省政务服务大厅运转经费", "2024 无评分项目"], [99.31, None])
    assert svg.count("</title></rect>") == 1 and "99.31" in svg and "no score" in svg
    assert ">100</text>" in svg  # the scale ends at 100 whatever the largest score


def test_many_projects_are_counted_by_score_band():
    # Liaoning 2024: 12345平台管理经费 79.00, 省本级信息化运行维护项目 59.00, 辽宁省12345政务服务便民热线 100.00
    assert [_score_band(s) for s in (79.0, 59.0, 100.0)] == ["70–79", "< 60", "90–100"]


def test_sources_link_a_pdf_at_its_page_and_a_text_report_through_a_copy_with_page_anchors(tmp_path):
    out = tmp_path / "warehouse" / "site"
    links = SourceLinks(RAW, out)
    pdf = links.href("2024_shpt-czj_final.pdf", 5)
    assert pdf.endswith("raw/2024_shpt-czj_final.pdf#page=5") and not pdf.startswith("/")
    assert (out / pdf.split("#")[0]).resolve() == (RAW / "2024_shpt-czj_final.pdf").resolve()
    text = links.href("000_c669139aa1fe8f20.txt", 28)
    assert text == "files/000_c669139aa1fe8f20.txt.html#page=28"
    copy = (out / "files" / "000_c669139aa1fe8f20.txt.html").read_text(encoding="utf-8")
    page_28 = copy[copy.index('id="page=28"'):copy.index('id="page=29"')]
    assert "辽宁省政务服务大厅运转经费" in page_28  # the project table the mart cites at p. 28
    assert links.link("gone.pdf", 3) == "gone.pdf p. 3"  # a file the raw folder lacks: named, not linked
    assert SourceLinks(None, out).href("2024_shpt-czj_final.pdf", 5) is None


def test_year_table_sets_a_budget_beside_the_final_of_the_same_department_year(tmp_path):
    """西南大学 2023: 预算 本年支出合计 468,779.07 (2023_moe-swu_budget.pdf), 决算 457,676.75 (2023_moe-swu_final.pdf)."""
    common = dict(department_id="swu", department="西南大学", three_public_total=None, agency_operating_cost=None,
                  sme_share_pct=None, mean_project_score=None)
    found = [dict(common, kind="budget", expenditure_total=468779.07, path="2023_moe-swu_budget.pdf",
                  reconciliation_fails=2),
             dict(common, kind="final", expenditure_total=457676.75, path="2023_moe-swu_final.pdf",
                  reconciliation_fails=1)]
    html = _year_table(2023, found, {"swu": "西南大学"}, SourceLinks(None, tmp_path))
    assert "<h2>2023</h2>" in html and "预算 本年支出合计" in html
    assert "457,676.75" in html and "468,779.07" in html and "97.63" in html  # final / budget
    assert ">3</td>" in html  # failed checks of both reports


@pytest.mark.slow
def test_pipeline_writes_a_page_per_department_and_an_index(e2e):
    site = e2e["warehouse"].parent / "site"
    index = (site / "index.html").read_text(encoding="utf-8")
    pages = sorted(site.glob("dept-*.html"))
    assert len(pages) == 2
    for page in pages:
        assert f'href="{page.name}"' in index
    assert "辽宁省数据局" in index and "上海市普陀区财政局" in index and "<h2>2024</h2>" in index
    liaoning = next(p.read_text(encoding="utf-8") for p in pages if "辽宁省数据局" in p.read_text(encoding="utf-8"))
    assert "5,516.90" in liaoning  # 本年支出合计 in the headline table
    assert liaoning.count("<svg") >= 3 and "<rect" in liaoning
    assert '<a href="files/000_c669139aa1fe8f20.txt.html#page=' in liaoning  # sources open the report's page
    assert (site / "files" / "000_c669139aa1fe8f20.txt.html").exists()
    assert "项目绩效自评得分" in liaoning  # the project score chart (7 projects scored in the 2024 final)
    putuo = next(p.read_text(encoding="utf-8") for p in pages if "上海市普陀区财政局" in p.read_text(encoding="utf-8"))
    assert 'href="../../raw/2024_shpt-czj_final.pdf#page=' in putuo  # relative into the raw folder, no copy
    assert "http" not in liaoning.replace('xmlns="http://www.w3.org/2000/svg"', "")  # opens with no network


def _site_files(site) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*.html"))}


@pytest.mark.slow
def test_a_build_keeps_the_pages_whose_rows_and_files_did_not_change_and_writes_what_a_full_build_writes(
        e2e, tmp_path):
    """Built again, the site writes only the pages of the department whose rows changed (and the index), or whose
    linked report left the raw folder — each file then the bytes a full build into an empty folder writes."""
    import shutil

    import duckdb

    from gongkai.site.build import build_site

    raw = tmp_path / "raw"
    shutil.copytree(e2e["raw"], raw)
    warehouse = tmp_path / "gongkai.duckdb"
    shutil.copy(e2e["warehouse"], warehouse)
    con = duckdb.connect(str(warehouse))
    try:
        site = tmp_path / "site"
        first = build_site(con, site, raw)
        assert len(first.written) == len(first.pages) == 3  # the index and 2 departments
        assert build_site(con, site, raw).written == []

        liaoning = con.execute("SELECT department_id FROM marts.fct_report_summary WHERE path = ?",
                               [LIAONING]).fetchall()[0][0]
        con.execute("UPDATE marts.fct_report_summary SET expenditure_total = expenditure_total + 1 "
                    "WHERE department_id = ?", [liaoning])
        changed = build_site(con, site, raw)
        assert sorted(p.name for p in changed.written) == ["dept-" + liaoning + ".html", "index.html"]
        assert "5,517.90" in (site / f"dept-{liaoning}.html").read_text(encoding="utf-8")  # 5,516.90 + 1
        build_site(con, tmp_path / "full", raw)
        assert _site_files(site) == _site_files(tmp_path / "full")

        (raw / SHANGHAI).unlink()
        gone = build_site(con, site, raw)
        assert len(gone.written) == 2 and f"dept-{liaoning}.html" not in {p.name for p in gone.written}
        build_site(con, tmp_path / "full-again", raw)
        assert _site_files(site) == _site_files(tmp_path / "full-again")
        assert f'>{SHANGHAI}</td>' in (site / "index.html").read_text(encoding="utf-8")  # named, no longer linked
    finally:
        con.close()
