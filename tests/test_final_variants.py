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
from gongkai.synth.model import simulate
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

# Extra tables as printed: a title and its lines (header, rows). A project table repeats function codes.
PROJECTS_BY_FUNCTION = ["项目 本年支出", "功能分类科", "目编码", "科目名称 合计 项目支出", "栏次 1 2",
                        "合计 412.30 412.30", "201 一般公共服务支出 312.30 312.30",
                        "20101 人大事务 312.30 312.30", "2010101 行政运行 312.30 312.30",
                        "208 社会保障和就业支出 100.00 100.00", "20805 行政事业单位养老支出 100.00 100.00",
                        "2080505 机关事业单位基本养老保险缴费支出 100.00 100.00"]
PROJECT_INCOME = ["项目 本年收入 本年支出", "科目编码 科目名称 合计 财政拨款 合计 项目支出", "栏次 1 2 3 4",
                  "合计 80.00 80.00 80.00 80.00", "201 一般公共服务支出 80.00 80.00 80.00 80.00",
                  "2010102 一般行政管理事务 80.00 80.00 80.00 80.00"]
OPERATIONS_INFO = ["项目 金额", "一、机构运行经费支出 35.20", "二、国有资产占用情况", "车辆数（辆） 2",
                   "单价100万元以上设备（台、套） 0", "三、政府采购支出 120.00", "其中：货物 20.00", "服务 100.00"]
THREE_PUBLIC_AND_OPERATIONS = ["项目 预算数 决算数", "合计 36.00 35.10", "“三公”经费 12.00 11.10",
                               "机关运行经费 24.00 24.00"]
ECONOMIC_DETAIL = ["项目 决算数", "科目编码 科目名称 合计 基本支出 项目支出", "301 工资福利支出 500.00 500.00",
                   "30101 基本工资 300.00 300.00", "30102 津贴补贴 200.00 200.00", "302 商品和服务支出 90.00 40.00 50.00",
                   "30201 办公费 90.00 40.00 50.00"]

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


def test_text_reads_cell_for_cell(variant):
    name, truth, reports = variant
    report = reports["text"]
    assert {t.family for t in report.tables} == {family for family, _, _ in SETS[name] if family}
    assert compare_cells(report, truth) == []


@pytest.mark.parametrize("form", ["pdf", "text"])
def test_same_rows_as_the_standard_set(variant, baseline, form):
    """Every standard table holds the rows it holds in the 9-table set: none lost to a new title, none taken from an
    extra table. (The synthetic PDF draws tables as unaligned text lines, which the PDF reader reads only in part:
    the comparison is with the same reader on the same pages printed as the standard set.)"""
    name, _, reports = variant
    got = _rows(reports[form])
    assert sorted(got) == sorted(family for family, _, _ in SETS[name] if family)
    for family, rows in got.items():
        assert rows == baseline[form][family], family


@pytest.mark.parametrize("form", ["pdf", "text"])
def test_no_standard_table_missing(variant, form):
    _, _, reports = variant
    assert not [i.message for i in reports[form].issues if i.kind == "table_missing"]
