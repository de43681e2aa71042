"""Self-evaluation forms of the Ministry of Finance's 项目支出绩效自评表 template (西安市级…项目绩效自评表: a 年度资金总额 row
under 年初预算数 / 全年预算数 / 全年执行数 / 分值 / 执行率 / 得分, indicators under 年度指标值 / 实际完成值 / 分值 / 得分, a
总分 row) read from a text dump, as a user's copy of a report may be the PDF's text layer.

The dump is the text layer of the real Xi'an 汇总 final (../shared/corpus/final/2022_xian-wjw_final.pdf) written page by
page (each page closed by a <PDF_KEY> marker line, as in the corpus's seed dump). Its forms' header, funds, total and
indicator scores must read as the PDF's ruled forms read (tests/test_performance_pdf.py proves those on the page
renders), with the text layer's own losses: a blank cell is simply gone (年初预算数 or 分值), a wrapped 实施单位
continues on the lines below, a rate can be printed without % and an empty cell as '-'.
"""

from __future__ import annotations

import pytest

from conftest import SHARED_CORPUS
from gongkai.extract.parser import parse_file
from gongkai.extract.pdf_document import read_pdf_document
from gongkai.extract.performance import read_performance
from gongkai.extract.performance_standard_form import funds_columns
from tests.golden_finals import read_golden

XIAN = SHARED_CORPUS / "final" / "2022_xian-wjw_final.pdf"
FIELDS = ("name", "department", "implementing_unit", "budget", "actual", "execution_rate_pct", "execution_score",
          "total_score")


def _text_dump(pdf, path) -> None:
    import pypdfium2

    lines = []
    for number, page in enumerate(pypdfium2.PdfDocument(str(pdf)), start=1):
        text = page.get_textpage().get_text_range().replace("\r\n", "\n").replace("\r", "\n").split("\n")
        lines += [line.strip() for line in text] + [f" <PDF_KEY>page{number}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    if not XIAN.exists():
        pytest.skip(f"{XIAN.name} is not available (../shared/corpus)")
    dump = tmp_path_factory.mktemp("xian") / "2022_xian-wjw_final.txt"
    _text_dump(XIAN, dump)
    pdf_projects, pdf_units, _ = read_performance(read_pdf_document(XIAN))
    return pdf_projects, parse_file(dump), pdf_units


def _fields(project) -> tuple:
    return tuple(getattr(project, field) for field in FIELDS)


def test_every_form_reads_as_from_the_pdf(both):
    pdf_projects, text, _ = both
    assert len(text.projects) == len(pdf_projects) == 88
    assert [_fields(p) for p in text.projects] == [_fields(p) for p in pdf_projects]
    # a dump's pages are told by its markers and by bare page numbers (a textless page leaves none, a lone '100' in
    # a form starts one): each form's page is within two of the PDF's, and its line is the dump's own line
    assert all(abs(t.source.page - p.source.page) <= 2 for t, p in zip(text.projects, pdf_projects))


def test_the_text_layers_losses(both):
    _, text, _ = both
    by_name = {p.name: p for p in text.projects}
    wrapped_unit = by_name["西安市公共卫生中心（西安市疾病预防控制中心新址）建设公务运转"]  # p84: 实施单位 / 西安市疾病预防控制中 / 心
    assert _fields(wrapped_unit)[2:] == ("西安市疾病预防控制中心", 499.75, 326.71, 65.37, 6.54, 86.54)
    dash_and_separators = by_name["高陵新址新冠核酸检测实验室仪器设备购置"]  # p94: '- 9,458.00 9,458.00 10 100.00% 10.00'
    assert _fields(dash_and_separators)[3:7] == (9458.0, 9458.0, 100.0, 10.0)
    no_weight = by_name["市儿童医院经开院区一期"]  # p99: '0 3000 3000 1000% 10', its 分值 blank
    assert _fields(no_weight)[3:7] == (3000.0, 3000.0, 1000.0, 10.0)
    no_percent = [p for p in text.projects if p.name == "疫情防控经费"]  # p118: '0 2685 2444.64 10 91.05 9.1'
    assert [_fields(p)[3:7] for p in no_percent] == [(2685.0, 2444.64, 91.05, 9.1)]


def test_the_unit_form(both):
    """部门整体支出绩效自评表 (p30–31): the unit, its 17 tasks (a name wrapped in its narrow column before the content's
    long lines: 一般公共服务支 / 出), its total, and its 20 indicator rows' 分值 and 得分 as from the PDF."""
    _, text, pdf_units = both
    (unit,), (pdf,) = text.unit_evaluations, pdf_units
    assert (unit.unit_name, unit.total_score) == (pdf.unit_name, pdf.total_score) == ("西安市卫生健康委员会", 99.5)
    task = ("name", "allocated", "executed", "execution_rate_pct", "weight", "score")
    assert [tuple(getattr(t, f) for f in task) for t in unit.tasks] == [
        tuple(getattr(t, f) for f in task) for t in pdf.tasks]
    assert unit.tasks[0].name == "一般公共服务支出" and len(unit.tasks) == 17
    assert [(i.weight, i.score) for i in unit.indicators] == [(i.weight, i.score) for i in pdf.indicators]
    assert len(unit.indicators) == 20


def test_funds_columns_of_a_row_without_its_blanks():
    assert funds_columns("3800 5166.99 5166.99 10 100% 10".split()) == (5166.99, 5166.99, 100.0, 10.0, 10.0)
    assert funds_columns("21143.98 21143.98 10 100% 10".split()) == (21143.98, 21143.98, 100.0, 10.0, 10.0)  # 年初 blank
    assert funds_columns("3681.5 423 423 1000% 6".split()) == (423.0, 423.0, 1000.0, 6.0, None)  # 分值 blank
    assert funds_columns("50 40 20 50% 5".split()) == (40.0, 20.0, 50.0, 5.0, None)  # 分值 blank: 20 / 40 is the 50 %
    assert funds_columns("年初 全年".split()) is None


def test_indicator_rows(both):
    """Every row's 分值 and 得分 as the PDF's ruling gives them, on the 85 forms whose rows add up to their own 总分;
    the 一级/二级指标 of most rows and the 三级指标 / values of those printed on one line. The 3 forms whose rows the
    text layer runs together (a row missed) are left to the PDF: an issue each, their total score not checked."""
    pdf_projects, text, _ = both
    pairs = list(zip(text.projects, pdf_projects))
    read = [(t, p) for t, p in pairs if t.indicators]
    assert len(read) == 85
    assert all([(i.weight, i.score) for i in t.indicators] == [(i.weight, i.score) for i in p.indicators]
               for t, p in read)
    rows = [(a, b) for t, p in read for a, b in zip(t.indicators, p.indicators)]
    assert len(rows) == 686
    assert sum((a.level1, a.level2) == (b.level1, b.level2) for a, b in rows) == 549
    fields = ("level1", "level2", "level3", "target", "actual", "weight", "score")
    assert sum(all(getattr(a, f) == getattr(b, f) for f in fields) for a, b in rows) == 386
    first = text.projects[0].indicators[0]  # p55, as printed on one line of the text layer
    assert (first.level1, first.level2, first.target) == ("产出指标", "数量指标", pdf_projects[0].indicators[0].target)
    left = [t.name for t, _ in pairs if not t.indicators]
    assert left == ["数据中心与集成平台建设", "西安市红会医院高铁新城院区工程项目（设备购置）", "高端全身彩色多普勒超声诊断仪购置"]
    assert sum(i.kind == "indicators_not_read" for i in text.issues) == 3
    checks = {c.name: c.status for c in text.checks}
    assert all(checks[f"performance.total_score.{t.name}@{t.implementing_unit}"] == "not_run" for t, _ in pairs
               if not t.indicators)


def test_failing_checks_are_the_sources_own(both):
    """Every failing check of the text dump — forms, narrative and the department-level tables read from its text
    (a 栏次 row repeated on a continuation page, one column number a line, is no amount; an economic code at a line's
    end does not take the amount before it) — is one the PDF's golden lists."""
    _, text, _ = both
    _, listed = read_golden("2022_xian-wjw_final.txt")
    failing = [c.name for c in text.checks if c.status == "fail"]
    assert failing and set(failing) <= set(listed)
