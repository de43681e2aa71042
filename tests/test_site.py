"""Department profiles (gongkai.site): the pages the pipeline's `department_profiles` asset writes next to the
warehouse, on the bundled reports (辽宁省数据局 2024 决算: 本年支出合计 5,516.90 万元; 上海市普陀区财政局 2024 决算),
and the SVG charts they draw."""

from __future__ import annotations

import pytest

from gongkai.site.charts import bar_chart, line_chart


def test_bar_chart_draws_one_bar_per_value_and_skips_blanks():
    svg = bar_chart("t", ["2023", "2024"], [("基本支出", [10.0, 20.0]), ("项目支出", [None, 5.0])])
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert svg.count("</title></rect>") == 3  # a bar per value (legend swatches have no title); a blank, none
    assert "基本支出" in svg and "项目支出 2024: 5.00" in svg


def test_line_chart_breaks_at_a_blank():
    svg = line_chart("t", ["2022", "2023", "2024"], [("机关运行经费", [1.0, None, 3.0])])
    assert svg.count("<circle") == 2 and "<polyline" not in svg  # no segment spans the blank year


@pytest.mark.slow
def test_pipeline_writes_a_page_per_department_and_an_index(e2e):
    site = e2e["warehouse"].parent / "site"
    index = (site / "index.html").read_text(encoding="utf-8")
    pages = sorted(site.glob("dept-*.html"))
    assert len(pages) == 2
    for page in pages:
        assert f'href="{page.name}"' in index
    assert "辽宁省数据局" in index and "上海市普陀区财政局" in index and "<h2>2024 决算</h2>" in index
    liaoning = next(p.read_text(encoding="utf-8") for p in pages if "辽宁省数据局" in p.read_text(encoding="utf-8"))
    assert "5,516.90" in liaoning  # 本年支出合计 in the headline table
    assert liaoning.count("<svg") >= 3 and "<rect" in liaoning
    assert "000_c669139aa1fe8f20.txt p. " in liaoning  # each figure names its source page
    assert "http" not in liaoning.replace('xmlns="http://www.w3.org/2000/svg"', "")  # opens with no network
