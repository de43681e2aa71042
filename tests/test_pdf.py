"""PDF reading: lines from character positions, page status, and the geometry table reader.

The golden values below were read from the Shanghai 普陀区财政局 2024 final report and checked cell by cell against
renders of pages 6–20 (pdftoppm -r 80). Each row: (page, code or item, side, label, cell values in family column
order; None = blank cell).
"""

from __future__ import annotations

import math
import zlib
from collections import defaultdict

import pytest

from gongkai.extract.document import DocumentError, read_document
from gongkai.extract.families import FAMILY_BY_KEY, STANDARD_FAMILIES
from gongkai.extract.pdf_document import read_pdf, read_pdf_document
from gongkai.extract.pdf_tables import read_pdf_tables
from gongkai.extract.records import CELL_BLANK, CELL_VALUE
from tests.conftest import SHANGHAI_PDF, SHARED_CORPUS
from tests.pdf_bytes import raw_pdf, stream

GOLDEN = {
    'income_expenditure_summary': [
        (6, 'general_budget_appropriation', 'income', '一、一般公共预算财政拨款收入', (2940.05,)),
        (6, None, 'expenditure', '一、一般公共服务支出', (2106.66,)),
        (6, 'government_fund_appropriation', 'income', '二、政府性基金预算财政拨款收入', (None,)),
        (6, None, 'expenditure', '二、外交支出', (None,)),
        (6, 'state_capital_appropriation', 'income', '三、国有资本经营预算财政拨款收入', (None,)),
        (6, None, 'expenditure', '三、国防支出', (None,)),
        (6, 'superior_subsidy', 'income', '四、上级补助收入', (None,)),
        (6, None, 'expenditure', '四、公共安全支出', (None,)),
        (6, 'public_service_revenue', 'income', '五、事业收入', (None,)),
        (6, None, 'expenditure', '五、教育支出', (None,)),
        (6, 'business_revenue', 'income', '六、经营收入', (None,)),
        (6, None, 'expenditure', '六、科学技术支出', (None,)),
        (6, 'affiliated_remittance', 'income', '七、附属单位上缴收入', (None,)),
        (6, None, 'expenditure', '七、文化旅游体育与传媒支出', (None,)),
        (6, 'other_revenue', 'income', '八、其他收入', (6.2,)),
        (6, None, 'expenditure', '八、社会保障和就业支出', (326.71,)),
        (6, None, 'expenditure', '九、卫生健康支出', (60.99,)),
        (6, None, 'expenditure', '十、节能环保支出', (None,)),
        (6, None, 'expenditure', '十一、城乡社区支出', (None,)),
        (6, None, 'expenditure', '十二、农林水支出', (None,)),
        (6, None, 'expenditure', '十三、交通运输支出', (None,)),
        (6, None, 'expenditure', '十四、资源勘探工业信息等支出', (None,)),
        (6, None, 'expenditure', '十五、商业服务业等支出', (None,)),
        (6, None, 'expenditure', '十六、金融支出', (None,)),
        (6, None, 'expenditure', '十七、援助其他地区支出', (None,)),
        (6, None, 'expenditure', '十八、自然资源海洋气象等支出', (None,)),
        (6, None, 'expenditure', '十九、住房保障支出', (445.69,)),
        (6, None, 'expenditure', '二十、粮油物资储备支出', (None,)),
        (6, None, 'expenditure', '二十一、国有资本经营预算支出', (None,)),
        (6, None, 'expenditure', '二十二、灾害防治及应急管理支出', (None,)),
        (6, None, 'expenditure', '二十三、其他支出', (None,)),
        (6, None, 'expenditure', '二十四、债务还本支出', (None,)),
        (6, None, 'expenditure', '二十五、债务付息支出', (None,)),
        (6, None, 'expenditure', '二十六、抗疫特别国债安排的支出', (None,)),
        (6, 'income_total', 'income', '本年收入合计', (2946.25,)),
        (6, 'expenditure_total', 'expenditure', '本年支出合计', (2940.05,)),
        (7, 'non_appropriation_surplus_used', 'income', '使用非财政拨款结余（含专用结余）', (None,)),
        (7, 'surplus_distribution', 'expenditure', '结余分配', (None,)),
        (7, 'carryover_begin', 'income', '年初结转和结余', (49.14,)),
        (7, 'carryover_end', 'expenditure', '年末结转和结余', (55.34,)),
        (7, 'grand_total', 'income', '总计', (2995.39,)),
        (7, 'grand_total', 'expenditure', '总计', (2995.39,)),
    ],
    'income': [
        (8, 'total', None, '合计', (2946.25, 2940.05, None, None, None, None, 6.2)),
        (8, '201', None, '一般公共服务支出', (2112.86, 2106.66, None, None, None, None, 6.2)),
        (8, '20106', None, '财政事务', (2112.86, 2106.66, None, None, None, None, 6.2)),
        (8, '2010601', None, '行政运行', (1511.9, 1511.89, None, None, None, None, 0.01)),
        (8, '2010602', None, '一般行政管理事务', (16.19, 10.0, None, None, None, None, 6.19)),
        (8, '2010607', None, '信息化建设', (135.25, 135.25, None, None, None, None, None)),
        (8, '2010608', None, '财政委托业务支出', (449.52, 449.52, None, None, None, None, None)),
        (8, '208', None, '社会保障和就业支出', (326.72, 326.72, None, None, None, None, None)),
        (8, '20805', None, '行政事业单位养老支出', (326.72, 326.72, None, None, None, None, None)),
        (8, '2080501', None, '行政单位离退休', (84.65, 84.65, None, None, None, None, None)),
        (8, '2080505', None, '机关事业单位基本养老保险缴费支出', (160.75, 160.75, None, None, None, None, None)),
        (8, '2080506', None, '机关事业单位职业年金缴费支出', (80.38, 80.38, None, None, None, None, None)),
        (8, '2080599', None, '其他行政事业单位养老支出', (0.94, 0.94, None, None, None, None, None)),
        (8, '210', None, '卫生健康支出', (60.99, 60.99, None, None, None, None, None)),
        (8, '21011', None, '行政事业单位医疗', (60.99, 60.99, None, None, None, None, None)),
        (9, '2101101', None, '行政单位医疗', (60.99, 60.99, None, None, None, None, None)),
        (9, '221', None, '住房保障支出', (445.69, 445.69, None, None, None, None, None)),
        (9, '22102', None, '住房改革支出', (445.69, 445.69, None, None, None, None, None)),
        (9, '2210201', None, '住房公积金', (187.19, 187.19, None, None, None, None, None)),
        (9, '2210203', None, '购房补贴', (258.5, 258.5, None, None, None, None, None)),
    ],
    'expenditure': [
        (10, 'total', None, '合计', (2940.05, 2336.91, 603.14, None, None, None)),
        (10, '201', None, '一般公共服务支出', (2106.66, 1503.52, 603.14, None, None, None)),
        (10, '20106', None, '财政事务', (2106.66, 1503.52, 603.14, None, None, None)),
        (10, '2010601', None, '行政运行', (1511.89, 1503.52, 8.37, None, None, None)),
        (10, '2010602', None, '一般行政管理事务', (10.0, None, 10.0, None, None, None)),
        (10, '2010607', None, '信息化建设', (135.25, None, 135.25, None, None, None)),
        (10, '2010608', None, '财政委托业务支出', (449.52, None, 449.52, None, None, None)),
        (10, '208', None, '社会保障和就业支出', (326.72, 326.72, None, None, None, None)),
        (10, '20805', None, '行政事业单位养老支出', (326.72, 326.72, None, None, None, None)),
        (10, '2080501', None, '行政单位离退休', (84.65, 84.65, None, None, None, None)),
        (10, '2080505', None, '机关事业单位基本养老保险缴费支出', (160.75, 160.75, None, None, None, None)),
        (10, '2080506', None, '机关事业单位职业年金缴费支出', (80.38, 80.38, None, None, None, None)),
        (11, '2080599', None, '其他行政事业单位养老支出', (0.94, 0.94, None, None, None, None)),
        (11, '210', None, '卫生健康支出', (60.99, 60.99, None, None, None, None)),
        (11, '21011', None, '行政事业单位医疗', (60.99, 60.99, None, None, None, None)),
        (11, '2101101', None, '行政单位医疗', (60.99, 60.99, None, None, None, None)),
        (11, '221', None, '住房保障支出', (445.69, 445.69, None, None, None, None)),
        (11, '22102', None, '住房改革支出', (445.69, 445.69, None, None, None, None)),
        (11, '2210201', None, '住房公积金', (187.19, 187.19, None, None, None, None)),
        (11, '2210203', None, '购房补贴', (258.5, 258.5, None, None, None, None)),
    ],
    'appropriation_summary': [
        (12, 'general_budget_appropriation', 'income', '一、一般公共预算财政拨款', (2940.05,)),
        (12, None, 'expenditure', '一、一般公共服务支出', (2106.66, 2106.66, None, None)),
        (12, 'government_fund_appropriation', 'income', '二、政府性基金预算财政拨款', (None,)),
        (12, None, 'expenditure', '二、外交支出', (None, None, None, None)),
        (12, 'state_capital_appropriation', 'income', '三、国有资本经营预算财政拨款', (None,)),
        (12, None, 'expenditure', '三、国防支出', (None, None, None, None)),
        (12, None, 'expenditure', '四、公共安全支出', (None, None, None, None)),
        (12, None, 'expenditure', '五、教育支出', (None, None, None, None)),
        (12, None, 'expenditure', '六、科学技术支出', (None, None, None, None)),
        (12, None, 'expenditure', '七、文化旅游体育与传媒支出', (None, None, None, None)),
        (12, None, 'expenditure', '八、社会保障和就业支出', (326.71, 326.71, None, None)),
        (12, None, 'expenditure', '九、卫生健康支出', (60.99, 60.99, None, None)),
        (12, None, 'expenditure', '十、节能环保支出', (None, None, None, None)),
        (12, None, 'expenditure', '十一、城乡社区支出', (None, None, None, None)),
        (12, None, 'expenditure', '十二、农林水支出', (None, None, None, None)),
        (12, None, 'expenditure', '十三、交通运输支出', (None, None, None, None)),
        (13, None, 'expenditure', '十四、资源勘探工业信息等支出', (None, None, None, None)),
        (13, None, 'expenditure', '十五、商业服务业等支出', (None, None, None, None)),
        (13, None, 'expenditure', '十六、金融支出', (None, None, None, None)),
        (13, None, 'expenditure', '十七、援助其他地区支出', (None, None, None, None)),
        (13, None, 'expenditure', '十八、自然资源海洋气象等支出', (None, None, None, None)),
        (13, None, 'expenditure', '十九、住房保障支出', (445.69, 445.69, None, None)),
        (13, None, 'expenditure', '二十、粮油物资储备支出', (None, None, None, None)),
        (13, None, 'expenditure', '二十一、国有资本经营预算支出', (None, None, None, None)),
        (13, None, 'expenditure', '二十二、灾害防治及应急管理支出', (None, None, None, None)),
        (13, None, 'expenditure', '二十三、其他支出', (None, None, None, None)),
        (13, None, 'expenditure', '二十四、债务还本支出', (None, None, None, None)),
        (13, None, 'expenditure', '二十五、债务付息支出', (None, None, None, None)),
        (13, None, 'expenditure', '二十六、抗疫特别国债安排的支出', (None, None, None, None)),
        (13, 'income_total', 'income', '本年收入合计', (2940.05,)),
        (13, 'expenditure_total', 'expenditure', '本年支出合计', (2940.05, 2940.05, None, None)),
        (13, 'carryover_begin', 'income', '年初财政拨款结转和结余', (21.63,)),
        (13, 'carryover_end', 'expenditure', '年末财政拨款结转和结余', (21.63, 21.63, None, None)),
        (13, 'carryover_begin.general_budget_appropriation', 'income', '一、一般公共预算财政拨款', (21.63,)),
        (13, 'carryover_begin.government_fund_appropriation', 'income', '二、政府性基金预算财政拨款', (None,)),
        (13, 'carryover_begin.state_capital_appropriation', 'income', '三、国有资本经营预算财政拨款', (None,)),
        (13, 'grand_total', 'income', '总计', (2961.68,)),
        (13, 'grand_total', 'expenditure', '总计', (2961.68, 2961.68, None, None)),
    ],
    'general_budget_expenditure': [
        (15, '201', None, '一般公共服务支出', (2106.66, 1503.52, 603.14)),
        (15, '20106', None, '财政事务', (2106.66, 1503.52, 603.14)),
        (15, '2010601', None, '行政运行', (1511.89, 1503.52, 8.37)),
        (15, '2010602', None, '一般行政管理事务', (10.0, None, 10.0)),
        (15, '2010607', None, '信息化建设', (135.25, None, 135.25)),
        (15, '2010608', None, '财政委托业务支出', (449.52, None, 449.52)),
        (15, '208', None, '社会保障和就业支出', (326.72, 326.72, None)),
        (15, '20805', None, '行政事业单位养老支出', (326.72, 326.72, None)),
        (15, '2080501', None, '行政单位离退休', (84.65, 84.65, None)),
        (15, '2080505', None, '机关事业单位基本养老保险缴费支出', (160.75, 160.75, None)),
        (15, '2080506', None, '机关事业单位职业年金缴费支出', (80.38, 80.38, None)),
        (15, '2080599', None, '其他行政事业单位养老支出', (0.94, 0.94, None)),
        (15, '210', None, '卫生健康支出', (60.99, 60.99, None)),
        (15, '21011', None, '行政事业单位医疗', (60.99, 60.99, None)),
        (15, '2101101', None, '行政单位医疗', (60.99, 60.99, None)),
        (15, '221', None, '住房保障支出', (445.69, 445.69, None)),
        (15, '22102', None, '住房改革支出', (445.69, 445.69, None)),
        (15, '2210201', None, '住房公积金', (187.19, 187.19, None)),
        (15, '2210203', None, '购房补贴', (258.5, 258.5, None)),
        (15, 'total', None, '合计', (2940.05, 2336.91, 603.14)),
    ],
    'general_budget_basic_expenditure': [
        (16, '301', None, '工资福利支出', (2082.85,)),
        (16, '302', None, '商品和服务支出', (171.07,)),
        (16, '30101', None, '基本工资', (262.33,)),
        (16, '30201', None, '办公费', (21.21,)),
        (16, '30102', None, '津贴补贴', (1238.58,)),
        (16, '30202', None, '印刷费', (7.61,)),
        (16, '30103', None, '奖金', (None,)),
        (16, '30203', None, '咨询费', (None,)),
        (16, '30106', None, '伙食补助费', (None,)),
        (16, '30204', None, '手续费', (0.09,)),
        (16, '30107', None, '绩效工资', (None,)),
        (16, '30205', None, '水费', (None,)),
        (16, '30108', None, '机关事业单位基本养老保险缴费', (160.75,)),
        (16, '30206', None, '电费', (None,)),
        (16, '30109', None, '职业年金缴费', (80.38,)),
        (16, '30207', None, '邮电费', (4.88,)),
        (16, '30110', None, '职工基本医疗保险缴费', (60.99,)),
        (16, '30208', None, '取暖费', (None,)),
        (16, '30111', None, '公务员医疗补助缴费', (None,)),
        (16, '30209', None, '物业管理费', (None,)),
        (16, '30112', None, '其他社会保障缴费', (1.61,)),
        (16, '30211', None, '差旅费', (1.2,)),
        (16, '30113', None, '住房公积金', (187.19,)),
        (16, '30212', None, '因公出国（境）费用', (None,)),
        (16, '30114', None, '医疗费', (None,)),
        (16, '30213', None, '维修（护）费', (2.83,)),
        (16, '30199', None, '其他工资福利支出', (91.03,)),
        (16, '30214', None, '租赁费', (None,)),
        (16, '303', None, '对个人和家庭的补助', (69.41,)),
        (16, '30215', None, '会议费', (None,)),
        (16, '30301', None, '离休费', (None,)),
        (16, '30216', None, '培训费', (4.05,)),
        (16, '30302', None, '退休费', (69.1,)),
        (16, '30217', None, '公务接待费', (None,)),
        (16, '30303', None, '退职（役）费', (None,)),
        (16, '30218', None, '专用材料费', (None,)),
        (16, '30304', None, '抚恤金', (None,)),
        (16, '30224', None, '被装购置费', (None,)),
        (17, '30305', None, '生活补助', (None,)),
        (17, '30225', None, '专用燃料费', (None,)),
        (17, '30307', None, '医疗费补助', (None,)),
        (17, '30226', None, '劳务费', (2.01,)),
        (17, '30308', None, '助学金', (None,)),
        (17, '30227', None, '委托业务费', (None,)),
        (17, '30309', None, '奖励金', (0.31,)),
        (17, '30228', None, '工会经费', (24.42,)),
        (17, '30310', None, '个人农业生产补贴', (None,)),
        (17, '30229', None, '福利费', (42.77,)),
        (17, '30311', None, '代缴社会保险费', (None,)),
        (17, '30231', None, '公务用车运行维护费', (None,)),
        (17, '30399', None, '其他对个人和家庭的补助', (None,)),
        (17, '30239', None, '其他交通费用', (48.49,)),
        (17, '30240', None, '税金及附加费用', (None,)),
        (17, '30299', None, '其他商品和服务支出', (11.53,)),
        (17, '310', None, '资本性支出', (13.58,)),
        (17, '31001', None, '房屋建筑物购建', (None,)),
        (17, '31002', None, '办公设备购置', (13.58,)),
        (17, '31003', None, '专用设备购置', (None,)),
        (17, '31007', None, '信息网络及软件购置更新', (None,)),
        (17, '31013', None, '公务用车购置', (None,)),
        (17, '31019', None, '其他交通工具购置', (None,)),
        (17, '31021', None, '文物和陈列品购置', (None,)),
        (17, '31022', None, '无形资产购置', (None,)),
        (17, '31099', None, '其他资本性支出', (None,)),
        (17, 'personnel_total', None, '人员经费合计', (2152.26,)),
        (17, 'public_total', None, '公用经费合计', (184.65,)),
    ],
    'three_public': [
        (18, 'total', None, '合计', (0.95, None)),
        (18, 'overseas_travel', None, '因公出国（境）费', (None, None)),
        (18, 'vehicle_total', None, '公务用车购置及运行费', (None, None)),
        (18, 'vehicle_purchase', None, '公务用车购置费', (None, None)),
        (18, 'vehicle_operation', None, '公务用车运行费', (None, None)),
        (18, 'reception', None, '公务接待费', (0.95, None)),
    ],
    'government_fund': [
    ],
    'state_capital': [
    ],
}


@pytest.fixture(scope="module")
def shpt():
    document = read_pdf_document(SHANGHAI_PDF)
    tables, issues = read_pdf_tables(document)
    return document, {t.family: t for t in tables}, issues


# --- document ----------------------------------------------------------------------------------------------------


def test_document_basics(shpt):
    document, _, _ = shpt
    assert document.format == "pdf" and document.encoding is None
    assert document.size == SHANGHAI_PDF.stat().st_size and len(document.sha256) == 64
    assert [p.page for p in document.pages] == list(range(1, 26))
    assert document.pages[13].status == "empty"  # page 14 is blank
    assert all(p.status == "text" for p in document.pages if p.page != 14)
    for page in {l.page for l in document.lines}:
        numbers = [l.line for l in document.lines if l.page == page]
        assert numbers == list(range(1, len(numbers) + 1))


def test_numbers_sit_inside_their_sentences(shpt):
    document, _, _ = shpt
    text = {l.text for l in document.lines}
    assert "上海市普陀区财政局 2024 年度收入支出总计 2995.39 万元。与 2023 年度相比，收入" in text
    assert any("本年收入合计 2946.25 万元，其中：财政拨款收入 2940.05 万元，占 99.79%" in t for t in text)
    # letter-spaced CJK in a table cell is joined
    assert any("因公出国（境）费" in t for t in text if "302" in t)
    line = next(l for l in document.lines if "2995.39" in l.text)
    assert line.page == 21 and line.line == 4
    word = next(w for w in line.words if w.text == "2995.39")
    assert 0 < word.x0 < word.x1 < 595


def test_max_pages():
    document = read_pdf_document(SHANGHAI_PDF, max_pages=3)
    assert len(document.pages) == 3 and max(l.page for l in document.lines) == 3


# --- tables ------------------------------------------------------------------------------------------------------


def test_every_table_found_once(shpt):
    _, tables, issues = shpt
    assert set(tables) == {f.key for f in STANDARD_FAMILIES} - {"appropriation_expenditure"}  # that one is the university set's
    assert tables["government_fund"].is_empty and tables["government_fund"].rows == []
    assert tables["state_capital"].is_empty and tables["state_capital"].rows == []
    assert [t.source.page for t in tables.values()] == [6, 8, 10, 12, 15, 16, 18, 19, 20]
    assert not [i for i in issues if i.severity == "error"]
    for table in tables.values():
        assert table.columns == FAMILY_BY_KEY[table.family].columns
        assert table.unit == "万元"


@pytest.mark.parametrize("family", sorted(GOLDEN))
def test_golden_cells(shpt, family):
    _, tables, _ = shpt
    table = tables[family]
    got = [(r.source.page, r.code or r.item, r.side, r.label, tuple(c.value for c in r.cells)) for r in table.rows]
    assert got == GOLDEN[family]
    columns = FAMILY_BY_KEY[family].columns
    for row in table.rows:
        assert row.source.file == str(SHANGHAI_PDF)
        for cell in row.cells:
            assert cell.source == row.source
            if cell.value is None:
                assert cell.status == CELL_BLANK and cell.original is None
            else:
                assert cell.status == CELL_VALUE and float(cell.original.replace(",", "")) == cell.value
        if family not in ("appropriation_summary", "three_public"):
            assert tuple(c.column for c in row.cells) == columns


def test_codes_levels_and_categories(shpt):
    _, tables, _ = shpt
    income = tables["income"]
    row = income.row(code="2010601")
    assert (row.level, row.parent_code, row.label) == (3, "20106", "行政运行")
    assert row.value("total") == 1511.90 and row.value("fiscal_appropriation") == 1511.89
    assert row.value("other_revenue") == 0.01 and row.cell("superior_subsidy").status == CELL_BLANK
    assert income.row(item="total").value("total") == 2946.25
    assert income.row(code="2080505").label == "机关事业单位基本养老保险缴费支出"
    expenditure = tables["expenditure"].row(code="2010601")
    assert (expenditure.value("total"), expenditure.value("basic"), expenditure.value("project")) == (1511.89, 1503.52, 8.37)
    summary = tables["appropriation_summary"]
    assert summary.row(item="carryover_end", side="expenditure").value("total") == 21.63
    assert summary.row(item="carryover_begin", side="income").value("amount") == 21.63
    assert summary.row(item="carryover_begin.general_budget_appropriation").value("amount") == 21.63
    basic = tables["general_budget_basic_expenditure"]
    assert basic.row(code="30102").value("amount") == 1238.58 and basic.row(code="30102").category == "personnel"
    assert basic.row(code="30213").label == "维修（护）费" and basic.row(code="30213").value("amount") == 2.83
    assert basic.row(code="30213").category == "public" and basic.row(code="30309").category == "personnel"
    assert basic.row(code="30103").cell("amount").status == CELL_BLANK
    three = tables["three_public"]
    assert [r.item for r in three.rows] == ["total", "overseas_travel", "vehicle_total", "vehicle_purchase", "vehicle_operation", "reception"]
    assert (three.row(item="total").value("budget"), three.row(item="total").value("actual")) == (0.95, None)
    assert three.row(item="reception").value("budget") == 0.95


# --- identities --------------------------------------------------------------------------------------------------

TOL = 0.021


def _close(a: float, b: float, tol: float = TOL) -> bool:
    return math.isclose(a, b, abs_tol=tol)


def _v(x):
    return x or 0.0


@pytest.mark.parametrize("family", ["income", "expenditure", "general_budget_expenditure"])
def test_row_totals_and_hierarchy(shpt, family):
    _, tables, _ = shpt
    table = tables[family]
    parts = [c for c in table.columns if c != "total"]
    for row in table.rows:
        assert _close(_v(row.value("total")), sum(_v(row.value(c)) for c in parts)), row
    coded = [r for r in table.rows if r.code]
    for column in table.columns:
        children = defaultdict(float)
        for r in coded:
            if r.parent_code:
                children[r.parent_code] += _v(r.value(column))
        for r in coded:
            if r.code in children:
                assert _close(_v(r.value(column)), children[r.code]), (r.code, column)
        total = table.row(item="total")
        if total is not None:
            assert _close(_v(total.value(column)), sum(_v(r.value(column)) for r in coded if r.level == 1))


def test_economic_identities(shpt):
    _, tables, _ = shpt
    basic = tables["general_budget_basic_expenditure"]
    personnel = basic.row(item="personnel_total").value("amount")
    public = basic.row(item="public_total").value("amount")
    assert (personnel, public) == (2152.26, 184.65)
    assert _close(personnel + public, tables["expenditure"].row(item="total").value("basic"))
    assert _close(personnel + public, 2336.91)
    classes = [r for r in basic.rows if r.level == 1]
    assert _close(sum(r.value("amount") or 0 for r in classes if r.category == "personnel"), personnel)
    assert _close(sum(r.value("amount") or 0 for r in classes if r.category == "public"), public)
    for cls in classes:
        subs = [r.value("amount") or 0 for r in basic.rows if r.parent_code == cls.code]
        assert _close(cls.value("amount") or 0, sum(subs)), cls.code


def test_summary_identities(shpt):
    _, tables, _ = shpt
    s = tables["income_expenditure_summary"]

    def get(item, side):
        return _v(s.row(item=item, side=side).value("amount"))

    assert get("grand_total", "income") == get("grand_total", "expenditure") == 2995.39
    assert _close(get("income_total", "income") + get("non_appropriation_surplus_used", "income") + get("carryover_begin", "income"), 2995.39)
    assert _close(get("expenditure_total", "expenditure") + get("surplus_distribution", "expenditure") + get("carryover_end", "expenditure"), 2995.39)
    assert get("income_total", "income") == tables["income"].row(item="total").value("total")
    assert get("expenditure_total", "expenditure") == tables["expenditure"].row(item="total").value("total")
    a = tables["appropriation_summary"]
    assert a.row(item="expenditure_total").value("general_budget") == tables["general_budget_expenditure"].row(item="total").value("total")
    t = {r.item: r for r in tables["three_public"].rows}
    for col in ("budget", "actual"):
        assert _close(_v(t["total"].value(col)), sum(_v(t[k].value(col)) for k in ("overseas_travel", "vehicle_total", "reception")))
        assert _close(_v(t["vehicle_total"].value(col)), _v(t["vehicle_purchase"].value(col)) + _v(t["vehicle_operation"].value(col)))


# --- page status and errors on synthetic PDFs --------------------------------------------------------------------


def _pdf(pages: list[tuple[bytes, bytes]]) -> bytes:
    """A minimal PDF by hand: each page is (content stream, resources dictionary)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]  # 1: catalog, 2: pages, then per page: page, content
    kids = []
    for content, resources in pages:
        page_id = len(objects) + 1
        kids.append(f"{page_id} 0 R".encode())
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents " + str(page_id + 1).encode() + b" 0 R /Resources " + resources + b" >>"
        )
        objects.append(stream(content))
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count " + str(len(pages)).encode() + b" >>"
    return raw_pdf(objects)


_FONT = b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"


def test_page_status_synthetic(tmp_path):
    text_page = (b"BT /F1 12 Tf 20 150 Td (Total 2995.39) Tj ET", _FONT)
    empty_page = (b"", b"<< >>")
    data = _pdf([text_page, empty_page, text_page])
    path = tmp_path / "synthetic.pdf"
    path.write_bytes(data)
    document = read_pdf_document(path)
    assert [p.status for p in document.pages] == ["text", "empty", "text"]
    assert document.lines[0].text == "Total 2995.39" and document.lines[0].page == 1


def test_scanned_page(tmp_path):
    pixels = zlib.compress(bytes([128]) * 64)
    path = tmp_path / "scan.pdf"
    path.write_bytes(raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources << /XObject << /Im1 5 0 R >> >> >>",
        stream(b"q 100 0 0 100 50 50 cm /Im1 Do Q"),
        stream(pixels, b" /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray "
                       b"/BitsPerComponent 8 /Filter /FlateDecode"),
    ]))
    document = read_document(path)
    assert document.format == "pdf"
    assert [p.status for p in document.pages] == ["scanned"]
    assert document.lines == []
    tables, issues = read_pdf_tables(document)
    assert tables == [] and issues == []


def test_not_a_pdf_and_truncated(tmp_path):
    bogus = tmp_path / "bogus.pdf"
    bogus.write_bytes(b"this is not a pdf at all")
    with pytest.raises(DocumentError) as err:
        read_document(bogus)
    assert err.value.kind == "corrupt_pdf"
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R")
    with pytest.raises(DocumentError) as err:
        read_document(truncated)
    assert err.value.kind == "corrupt_pdf"


def test_truncated_real_pdf(tmp_path):
    data = SHANGHAI_PDF.read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 3])
    try:
        document = read_document(path)
    except DocumentError as exc:
        assert exc.kind == "corrupt_pdf"
    else:  # pdfminer may recover some pages; the rest must be reported, not raised
        assert all(p.status in ("text", "empty", "scanned", "cid", "garbled", "error") for p in document.pages)


def test_encrypted(tmp_path):
    pypdfium2 = pytest.importorskip("pypdfium2")
    del pypdfium2
    # An encrypt dictionary needing a password pdfminer cannot supply.
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Filter /Standard /V 2 /R 3 /Length 128 /P -4 /O <" + b"00" * 32 + b"> /U <" + b"11" * 32 + b"> >>",
    ]
    path = tmp_path / "locked.pdf"
    path.write_bytes(raw_pdf(objects, trailer=f" /Encrypt 4 0 R /ID [<{'ab' * 16}> <{'ab' * 16}>]"))
    with pytest.raises(DocumentError) as err:
        read_document(path)
    assert err.value.kind == "encrypted_pdf"


# --- the whole corpus --------------------------------------------------------------------------------------------

CORPUS_PDFS = sorted(SHARED_CORPUS.rglob("*.pdf")) if SHARED_CORPUS.exists() else []


@pytest.mark.parametrize("path", CORPUS_PDFS, ids=[p.name for p in CORPUS_PDFS])
def test_corpus_reads(path):
    document, geometry = read_pdf(path)
    assert document.pages and len(geometry) <= len(document.pages)
    assert all(p.status in ("text", "empty", "scanned", "cid", "garbled", "error") for p in document.pages)
    tables, issues = read_pdf_tables(document, geometry=geometry)
    for table in tables:
        assert table.columns == FAMILY_BY_KEY[table.family].columns
        for row in table.rows:
            for cell in row.cells:
                assert (cell.value is None) == (cell.status != CELL_VALUE)
