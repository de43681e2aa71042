"""Real finals from other regions and families, cell by cell against goldens read from their page renders.

Each report is parsed once (module fixture). Tests: every printed cell of every table exact (tests/data/golden, see
tests/golden_finals.py for the format), and every failing reconciliation check is one of the source's own
inconsistencies listed in its golden — none may come from the parser.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gongkai.extract.parser import parse_file
from gongkai.extract.records import CHECK_FAIL
from gongkai.extract.table_sets import label_number, table_set
from tests.golden_finals import golden_lines, read_golden

FINALS = Path("/work/shared/corpus/final")
GOLDENS = {  # file: department, year, tables (number of the table set), table set
    "2019_foshan-gdjtj_final.pdf": ("佛山市轨道交通局", 2019, 8, "national"),
    "2022_xian-wjw_final.pdf": ("西安市卫生健康委员会", 2022, 9, "national"),
    "2023_moe-swu_final.pdf": ("西南大学", 2023, 4, "university"),
}
XIAN = "2022_xian-wjw_final.pdf"
SWU = "2023_moe-swu_final.pdf"


@pytest.fixture(scope="module", params=sorted(GOLDENS))
def parsed(request):
    path = FINALS / request.param
    if not path.exists():
        pytest.skip(f"{request.param} is not available (../shared/corpus)")
    return request.param, parse_file(path)


def test_identity_and_table_count(parsed):
    name, report = parsed
    department, year, tables, _ = GOLDENS[name]
    assert (report.department, report.fiscal_year, report.kind) == (department, year, "final")
    assert len(report.tables) == tables
    assert len({t.family for t in report.tables}) == tables  # a table over several pages is one table


def test_every_cell(parsed):
    name, report = parsed
    expected, _ = read_golden(name.replace(".pdf", ".txt"))
    got = golden_lines(report.tables)
    assert sorted(got) == sorted(expected)
    for family, lines in expected.items():
        assert sorted(got[family]) == sorted(lines), family


def test_only_source_inconsistencies_fail(parsed):
    name, report = parsed
    _, inconsistencies = read_golden(name.replace(".pdf", ".txt"))
    failing = sorted(c.name for c in report.checks if c.status == CHECK_FAIL)
    assert failing == sorted(inconsistencies)


def test_units_in_scope(parsed):
    """A 汇总 report lists its units under 决算单位构成 (numbered, some with a bracketed second name); a report
    without subordinate units lists none."""
    name, report = parsed
    if name == SWU:  # named in one sentence: 学校部门决算反映西南大学本级、西南大学附属中学、西南大学附属小学的经费收支情况
        assert report.units_in_scope == ["西南大学本级", "西南大学附属中学", "西南大学附属小学"]
        return
    if name != XIAN:  # 我部门没有下属单位
        assert report.units_in_scope == []
        return
    units = report.units_in_scope
    assert len(units) == 28
    assert units[0] == "西安市卫生健康委员会本级（机关）"
    assert units[16] == "西安市人民医院（西安市第四医院）"
    assert units[-1] == "西安市公共卫生中心（西安市应急医疗中心）"


def test_table_set(parsed):
    name, report = parsed
    assert table_set(report) == (GOLDENS[name][3], GOLDENS[name][2])
    assert not [i for i in report.issues if i.kind == "table_missing"]


@pytest.mark.parametrize("label, number", [("表8", 8), ("公开09表", 9), ("九、", 9), ("表十一", 11), ("二十", 20),
                                           (None, None)])
def test_label_number(label, number):
    assert label_number(label) == number
