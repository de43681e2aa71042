"""Table sets no report of the corpus shows, modelled on real published sets and read from PDF and from text.

Each fixture is a synthetic final (gongkai.synth, whose truth holds every cell) re-titled and re-numbered as a real set
prints its tables, with that set's extra tables inserted where it prints them. The standard tables must read cell for
cell as in the truth, and no row of an extra table may join the standard table before it. The sets, from the
tables of contents of real reports:

* 11 tables, 云南: 一、收入支出决算表 … 四、财政拨款收入支出决算表, 五、一般公共预算财政拨款收入支出决算表,
  七、一般公共预算财政拨款项目支出决算表, 十、财政拨款“三公”经费、行政参公单位机关运行经费情况表,
  十一、一般公共预算财政拨款“三公”经费情况表 — 云南日报报业集团 2024
  (https://www.yndaily.com/html/2025/juesuangongkai_0812/137143.html);
* 12 tables, 内蒙古: 五、项目收入支出决算表, 七、一般公共预算财政拨款基本支出决算明细表 (the central ministries'
  明细 title), 八、一般公共预算财政拨款项目支出决算明细表, 十二、机构运行经费支出、国有资产占用情况及政府采购支出
  信息表 — 包头市商务局 2022 (http://btswj.baotou.gov.cn/yjsgk2/25025689.jhtml); the 11-table form without
  项目收入支出决算表: 鄂尔多斯市审计局 2023
  (https://sjj.ordos.gov.cn/zfxxgk/fdzdgknr/czysjs/202409/t20240927_3661522.html);
* 陕西: 二、收入决算总表, 三、支出决算总表, 七、…“三公”经费及会议费、培训费支出决算表 — 柞水县审计局 2020
  (http://219.145.244.73:88/html/zwgk/czysjs/118395.html);
* 13 tables, 四川: 五、财政拨款支出决算明细表 and 七、一般公共预算财政拨款支出决算明细表 — economic classes under a
  title the function table nearly shares — 渠县农业综合技术服务中心 2024 (http://www.quxian.gov.cn/xxgk-show-64159.html).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from gongkai.extract.parser import parse_file
from gongkai.synth.compare import compare_cells
from gongkai.synth.generator import _department
from gongkai.synth.simulate import simulate
from gongkai.synth.render import Options, Renderer

pytest.importorskip("reportlab")

SEED, INDEX, YEAR = 20240, 0, 2024
CN = "一二三四五六七八九十"
SYNTH_TITLES = {  # the synthetic report's titles → family
    "收入支出决算总表": "income_expenditure_summary",
    "收入决算表": "income",
    "支出决算表": "expenditure",
    "财政拨款收入支出决算总表": "appropriation_summary",
    "一般公共预算财政拨款支出决算表": "general_budget_expenditure",
    "一般公共预算财政拨款基本支出决算表": "general_budget_basic_expenditure",
    "政府性基金预算财政拨款收入支出决算表": "government_fund",
    "国有资本经营预算财政拨款支出决算表": "state_capital",
    "财政拨款“三公”经费支出决算表": "three_public",
}

# Extra tables as printed: a title and its lines (header, rows), cells separated by tabs (the synthetic PDF draws
# them in fixed columns, an empty cell left blank; the text dump loses the blank, as a real text layer does).
# Each table's truth is in SUPPLEMENTARY_TRUTH: (code, item, {column: value}) per row, a blank cell absent.
PROJECTS_BY_FUNCTION = ["科目编码\t科目名称\t项目支出", "栏次\t\t1",
                        "合计\t\t412.30", "201\t一般公共服务支出\t312.30",
                        "20101\t人大事务\t312.30", "2010101\t行政运行\t312.30",
                        "208\t社会保障和就业支出\t100.00", "20805\t行政事业单位养老支出\t100.00",
                        "2080505\t机关事业单位基本养老保险缴费支出\t100.00"]
PROJECT_INCOME = ["科目编码\t科目名称\t年初结转\t本年收入\t项目支出\t年末结转",
                  "合计\t\t30.00\t80.00\t95.00\t15.00", "201\t一般公共服务支出\t30.00\t80.00\t95.00\t15.00",
                  "20101\t人大事务\t30.00\t80.00\t95.00\t15.00",
                  "2010102\t一般行政管理事务\t\t80.00\t80.00\t",
                  "2010199\t其他人大事务支出\t30.00\t\t15.00\t15.00"]
OPERATIONS_INFO = ["项目\t\t金额", "一、机构运行经费支出\t\t35.20", "二、国有资产占用情况\t\t",
                   "车辆数（辆）\t\t2", "单价100万元以上设备（台、套）\t\t0", "三、政府采购支出\t\t120.00",
                   "其中：货物\t\t20.00", "工程\t\t", "服务\t\t100.00"]
THREE_PUBLIC_AND_OPERATIONS = ["项目\t\t预算数\t决算数", "合计\t\t36.00\t35.10", "“三公”经费\t\t12.00\t11.10",
                               "机关运行经费\t\t24.00\t24.00"]
ECONOMIC_DETAIL = ["科目编码\t科目名称\t合计\t基本支出\t项目支出", "合计\t\t596.00\t540.00\t56.00",
                   "301\t工资福利支出\t500.00\t500.00\t", "30101\t基本工资\t300.00\t300.00\t",
                   "30102\t津贴补贴\t200.00\t200.00\t", "302\t商品和服务支出\t96.00\t40.00\t56.00",
                   "30201\t办公费\t90.00\t40.00\t50.00", "30211\t差旅费\t6.00\t\t6.00"]

SUPPLEMENTARY_TRUTH = {
    "project_expenditure": [
        (None, "total", {"project": 412.30}), ("201", None, {"project": 312.30}), ("20101", None, {"project": 312.30}),
        ("2010101", None, {"project": 312.30}), ("208", None, {"project": 100.00}),
        ("20805", None, {"project": 100.00}), ("2080505", None, {"project": 100.00})],
    "project_income_expenditure": [
        (None, "total", {"carryover_begin": 30.0, "income": 80.0, "project": 95.0, "carryover_end": 15.0}),
        ("201", None, {"carryover_begin": 30.0, "income": 80.0, "project": 95.0, "carryover_end": 15.0}),
        ("20101", None, {"carryover_begin": 30.0, "income": 80.0, "project": 95.0, "carryover_end": 15.0}),
        ("2010102", None, {"income": 80.0, "project": 80.0}),
        ("2010199", None, {"carryover_begin": 30.0, "project": 15.0, "carryover_end": 15.0})],
    "operations_assets_procurement": [
        (None, "agency_operating_cost", {"amount": 35.20}), (None, "state_assets", {}),
        (None, "vehicles", {"amount": 2.0}), (None, "equipment_over_1m", {"amount": 0.0}),
        (None, "procurement_total", {"amount": 120.00}), (None, "procurement_goods", {"amount": 20.00}),
        (None, "procurement_works", {}), (None, "procurement_services", {"amount": 100.00})],
    "three_public_operating": [
        (None, "total", {"budget": 36.00, "actual": 35.10}), (None, "three_public", {"budget": 12.00, "actual": 11.10}),
        (None, "agency_operating_cost", {"budget": 24.00, "actual": 24.00})],
    "appropriation_economic_detail": [
        (None, "total", {"total": 596.0, "basic": 540.0, "project": 56.0}),
        ("301", None, {"total": 500.0, "basic": 500.0}), ("30101", None, {"total": 300.0, "basic": 300.0}),
        ("30102", None, {"total": 200.0, "basic": 200.0}),
        ("302", None, {"total": 96.0, "basic": 40.0, "project": 56.0}),
        ("30201", None, {"total": 90.0, "basic": 40.0, "project": 50.0}), ("30211", None, {"total": 6.0, "project": 6.0})],
}
SUPPLEMENTARY_TRUTH["general_budget_economic_detail"] = SUPPLEMENTARY_TRUTH["appropriation_economic_detail"]
PRINTED_COLUMNS = {family: tuple(dict.fromkeys(c for _, _, cells in rows for c in cells))
                   for family, rows in SUPPLEMENTARY_TRUTH.items()}

# set → the tables in printed order: (family or None for an extra table, title, extra table lines)
SETS = {
    "yunnan_11": [
        ("income_expenditure_summary", "收入支出决算表", None), ("income", "收入决算表", None),
        ("expenditure", "支出决算表", None), ("appropriation_summary", "财政拨款收入支出决算表", None),
        ("general_budget_expenditure", "一般公共预算财政拨款收入支出决算表", None),
        ("general_budget_basic_expenditure", "一般公共预算财政拨款基本支出决算表", None),
        (None, "一般公共预算财政拨款项目支出决算表", PROJECTS_BY_FUNCTION),
        ("government_fund", "政府性基金预算财政拨款收入支出决算表", None),
        ("state_capital", "国有资本经营预算财政拨款收入支出决算表", None),
        (None, "财政拨款“三公”经费、行政参公单位机关运行经费情况表", THREE_PUBLIC_AND_OPERATIONS),
        ("three_public", "一般公共预算财政拨款“三公”经费情况表", None),
    ],
    "inner_mongolia_12": [
        ("income_expenditure_summary", "收入支出决算总表", None), ("income", "收入决算表", None),
        ("expenditure", "支出决算表", None), ("appropriation_summary", "财政拨款收入支出决算总表", None),
        (None, "项目收入支出决算表", PROJECT_INCOME),
        ("general_budget_expenditure", "一般公共预算财政拨款支出决算表", None),
        ("general_budget_basic_expenditure", "一般公共预算财政拨款基本支出决算明细表", None),
        (None, "一般公共预算财政拨款项目支出决算明细表", PROJECTS_BY_FUNCTION),
        ("government_fund", "政府性基金预算财政拨款收入支出决算表", None),
        ("state_capital", "国有资本经营预算财政拨款支出决算表", None),
        ("three_public", "财政拨款“三公”经费支出决算表", None),
        (None, "机构运行经费支出、国有资产占用情况及政府采购支出信息表", OPERATIONS_INFO),
    ],
    "shaanxi": [
        ("income_expenditure_summary", "收入支出决算总表", None), ("income", "收入决算总表", None),
        ("expenditure", "支出决算总表", None), ("appropriation_summary", "财政拨款收入支出决算总表", None),
        ("general_budget_expenditure", "一般公共预算财政拨款支出决算表", None),
        ("general_budget_basic_expenditure", "一般公共预算财政拨款基本支出决算表", None),
        ("three_public", "一般公共预算财政拨款“三公”经费及会议费、培训费支出决算表", None),
        ("government_fund", "政府性基金预算财政拨款收入支出决算表", None),
        ("state_capital", "国有资本经营预算财政拨款支出决算表", None),
    ],
    "sichuan_13": [
        ("income_expenditure_summary", "收入支出决算总表", None), ("income", "收入决算表", None),
        ("expenditure", "支出决算表", None), ("appropriation_summary", "财政拨款收入支出决算总表", None),
        (None, "财政拨款支出决算明细表", ECONOMIC_DETAIL),
        ("general_budget_expenditure", "一般公共预算财政拨款支出决算表", None),
        (None, "一般公共预算财政拨款支出决算明细表", ECONOMIC_DETAIL),
        ("general_budget_basic_expenditure", "一般公共预算财政拨款基本支出决算明细表", None),
        (None, "一般公共预算财政拨款项目支出决算表", PROJECTS_BY_FUNCTION),
        ("government_fund", "政府性基金预算财政拨款收入支出决算表", None),
        ("state_capital", "国有资本经营预算财政拨款收入支出决算表", None),
        ("three_public", "财政拨款“三公”经费支出决算表", None),
    ],
}


EXTRA_FAMILY = {  # the family each extra table's title is recognised as
    "一般公共预算财政拨款项目支出决算表": "project_expenditure",
    "一般公共预算财政拨款项目支出决算明细表": "project_expenditure",
    "项目收入支出决算表": "project_income_expenditure",
    "机构运行经费支出、国有资产占用情况及政府采购支出信息表": "operations_assets_procurement",
    "财政拨款“三公”经费、行政参公单位机关运行经费情况表": "three_public_operating",
    "财政拨款支出决算明细表": "appropriation_economic_detail",
    "一般公共预算财政拨款支出决算明细表": "general_budget_economic_detail",
}


def _synthetic() -> Renderer:
    years = [YEAR - 1, YEAR]
    rng = random.Random(f"gongkai-synth:{SEED}:{INDEX}")
    dept = _department(INDEX, SEED, rng, years)
    dept.style.update(labels="plain", detail_title=False, fund_table="empty", sc_table="empty")
    accounts = simulate(dept, years, rng, False, False)
    renderer = Renderer(dept, accounts[YEAR], accounts[YEAR - 1], random.Random(f"{SEED}:{INDEX}:{YEAR}"), Options())
    renderer.render()
    return renderer


def _variant(renderer: Renderer, tables: list) -> None:
    """Re-title the synthetic tables as ``tables`` prints them (一、 labels, its order) and insert its extra tables."""
    dump = renderer.dump
    pages = {SYNTH_TITLES[p.lines[0].strip()]: p for p in dump.pages if p.lines and p.lines[0].strip() in SYNTH_TITLES}
    first = dump.pages.index(pages["income_expenditure_summary"])
    after = [p for p in dump.pages[first:] if p not in pages.values()]
    department = pages["income"].lines[1]  # 部门：… 单位：万元
    ordered = []
    for number, (family, title, lines) in enumerate(tables, start=1):
        label = CN[number - 1] if number <= 10 else "十" + CN[number - 11]
        page = type(dump.pages[0])()
        if family is None:
            page.lines = [f"{label}、{title}", department, *lines]  # no notes: the next title alone ends it
        else:
            page.lines = [f"{label}、{title}", *pages[family].lines[1:]]
        ordered.append(page)
    dump.pages[first:] = ordered + after


def _parse_both(renderer: Renderer, folder: Path) -> dict:
    from gongkai.synth.pdf import render_pdf

    text = folder / "report.txt"
    text.write_text(renderer.dump.text(), encoding="utf-8")
    return {"text": parse_file(text), "pdf": parse_file(render_pdf(renderer.dump, folder / "report.pdf"))}


def _rows(report) -> dict[str, list[tuple]]:
    """Every row of every table: its key, label and cell values."""
    return {t.family: [(r.code, r.item, r.side, r.label, tuple((c.column, c.value) for c in r.cells)) for r in t.rows]
            for t in report.tables}


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    """The synthetic report as generated (the 9-table set, no extra table), read the same two ways."""
    reports = _parse_both(_synthetic(), tmp_path_factory.mktemp("baseline"))
    return {form: _rows(report) for form, report in reports.items()}


@pytest.fixture(scope="module", params=sorted(SETS))
def variant(request, tmp_path_factory):
    renderer = _synthetic()
    _variant(renderer, SETS[request.param])
    return request.param, renderer.truth(), _parse_both(renderer, tmp_path_factory.mktemp(request.param))


def _printed_families(name: str) -> set[str]:
    return {family or EXTRA_FAMILY[title] for family, title, _ in SETS[name]}


def test_text_reads_cell_for_cell(variant):
    name, truth, reports = variant
    report = reports["text"]
    assert {t.family for t in report.tables} == _printed_families(name)
    assert compare_cells(report, truth) == []


@pytest.mark.parametrize("form", ["pdf", "text"])
def test_supplementary_tables_cell_for_cell(variant, form):
    """The tables beyond the standard nine are read into rows: every printed cell, a blank cell NULL, each row
    pointing at the line it was printed on."""
    name, _, reports = variant
    report = reports[form]
    for _, title, lines in SETS[name]:
        if lines is None:
            continue
        family = EXTRA_FAMILY[title]
        table = report.table(family)
        assert table is not None, title
        got = [(r.code, r.item, {c.column: c.value for c in r.cells if c.status != "blank"}) for r in table.rows]
        assert got == SUPPLEMENTARY_TRUTH[family], (form, title)
        assert table.columns == PRINTED_COLUMNS[family], (form, title)
        assert all(c.status in ("value", "blank") and (c.value is None) == (c.status == "blank")
                   for r in table.rows for c in r.cells)
        assert all(r.source.page >= table.source.page and r.source.line > 0 for r in table.rows)


@pytest.mark.parametrize("form", ["pdf", "text"])
def test_same_rows_as_the_standard_set(variant, baseline, form):
    """Every standard table holds the rows it holds in the 9-table set: none lost to a new title, none taken from an
    extra table. (The synthetic PDF draws tables as unaligned text lines, which the PDF reader reads only in part:
    the comparison is with the same reader on the same pages printed as the standard set.)"""
    name, _, reports = variant
    got = _rows(reports[form])
    assert sorted(got) == sorted(_printed_families(name))
    for family, rows in got.items():
        if family in baseline[form]:
            assert rows == baseline[form][family], family


@pytest.mark.parametrize("form", ["pdf", "text"])
def test_supplementary_identities_hold(variant, form):
    """合计 = Σ its columns, 合计 = Σ类, 类 = Σ款 = Σ项 in the coded supplementary tables: checked, and true here."""
    name, _, reports = variant
    coded = {EXTRA_FAMILY[title] for _, title, lines in SETS[name] if lines is not None} - {
        "operations_assets_procurement", "three_public_operating"}
    checks = [c for c in reports[form].checks if c.name.split(".")[0] in coded]
    assert {c.name.split(".")[0] for c in checks if c.status == "pass"} == coded
    assert [c.name for c in checks if c.status == "fail"] == []


@pytest.mark.parametrize("form", ["pdf", "text"])
def test_no_standard_table_missing(variant, form):
    _, _, reports = variant
    assert not [i.message for i in reports[form].issues if i.kind == "table_missing"]
