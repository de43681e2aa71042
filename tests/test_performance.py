"""Golden tests of the performance self-evaluation parser (绩效自评表) on the seed report (辽宁省数据局 2024 决算).

Every expected value below was checked against the seed's 第五部分 附件 (lines 1320–2708): seven
预算项目(政策)绩效自评表 and two 部门（单位）整体绩效自评表.
"""

from __future__ import annotations

import pytest

from gongkai.extract.document import read_text_document
from gongkai.extract.performance import read_performance
from gongkai.extract.performance_indicators import split_goal_text
from gongkai.extract.records import Document, Line
from tests.conftest import SEED


GRADE = "全部或基本达成预期指标100%-80%（含）"

# name, implementing unit → (department, budget, actual, rate %, subtotal, execution score, deduction, total)
PROJECT_HEADERS = {
    ("辽宁省政务服务大厅运转经费", "辽宁省数据局本级"): ("辽宁省数据局", 1079.03, 1004.87, 93.13, 90, 9.31, 0, 99.31),
    ("全省一体化在线政务服务平台建设工作经费", "辽宁省数据局本级"): ("辽宁省数据局", 50.8, 43.7, 86.03, 90, 8.6, 0, 98.6),
    ("全省营商环境建设项目经费", "辽宁省数据局本级"): ("辽宁省数据局", 68, 47.61, 70.02, 90, 7, 8.0017, 89),
    ("省本级信息化运行维护项目", "辽宁省数据局本级"): ("辽宁省数据局", 11.35, 4.97, 43.75, 90, 4.37, 35.375, 59),
    ("12345平台管理经费", "辽宁省民心网"): ("辽宁省数据局", 141.5, 89.42, 63.19, 90, 6.32, 17.319, 79),
    ("省本级信息化运行维护项目", "辽宁省民心网"): ("辽宁省数据局", 163.67, 163.5, 99.89, 90, 9.99, 0, 99.99),
    ("辽宁省12345政务服务便民热线平台运行经费", "辽宁省数据局本级"): (
        "辽宁省数据局", 1469.88, 1469.38, 99.97, 90, 10, 0, 100),
}

# (level1, level2, level3, operator, target, unit, actual, completion, weight, score), in printed order.
PROJECT_INDICATORS = {
    ('辽宁省政务服务大厅运转经费', '辽宁省数据局本级'): [
        ('产出指标', '数量指标', '消防维保次数', '>=', '12', '次', '12', '100%', 12.5, 12.5),
        ('产出指标', '数量指标', '物业服务人数', '>=', '90', '人', '90', '100%', 12.5, 12.5),
        ('产出指标', '质量指标', '水质浑浊度', '<=', '1', '度', '1', '100%', 12.5, 12.5),
        ('产出指标', '质量指标', '邮件送达率', '>=', '98', '%', '100', '100%', 12.5, 12.5),
        ('效益指标', '社会效益指标', '减少相对人办事跑动次数', '>=', '3000', '次', '3000', '100%', 20.0, 20.0),
        ('效益指标', '社会效益指标', '提供免费服务项目', '>=', '2', '项', '2', '100%', 20.0, 20.0),
    ],
    ('全省一体化在线政务服务平台建设工作经费', '辽宁省数据局本级'): [
        ('产出指标', '数量指标', '一体化政务服务平台使用人数', '>=', '5000', '万人', '5414', '100%', 12.5, 12.5),
        ('产出指标', '质量指标', '技术规范相符性', None, '符合规范', None, GRADE, '100%', 12.5, 12.5),
        ('产出指标', '质量指标', '巡查维修到场比率', '>=', '100', '%', '100', '100%', 12.5, 12.5),
        ('效益指标', '社会效益指标', '开展培训次数', '>=', '1', '次', '1', '100%', 20.0, 20.0),
        ('效益指标', '社会效益指标', '“辽事通”开通服务专区数量', '>=', '26', '个', '26', '100%', 20.0, 20.0),
        (None, None, '“辽事通”上线事项', '>=', '950', '个', '1049', '100%', 12.5, 12.5),
    ],
    ('全省营商环境建设项目经费', '辽宁省数据局本级'): [
        ('产出指标', '数量指标', '重难点问题解决率', '>=', '80', '%', '86.95', '100%', 12.5, 12.5),
        ('产出指标', '数量指标', '新增标杆评价指标数', '>=', '3', '个', '3', '100%', 12.5, 12.5),
        ('产出指标', '质量指标', '督查检查率', '>=', '100', '%', '100', '100%', 12.5, 12.5),
        ('产出指标', '质量指标', '营商环境评价全覆盖率', '>=', '100', '%', '100', '100%', 12.5, 12.5),
        ('效益指标', '社会效益指标', '企业群众政务服务评价指数', '>=', '80', '%', '92.82', '100%', 20.0, 20.0),
        ('效益指标', '可持续影响指标', '全省营商便利度', '>=', '70', '%', '85.83', '100%', 20.0, 20.0),
    ],
    ('省本级信息化运行维护项目', '辽宁省数据局本级'): [
        ('产出指标', '数量指标', '保证网络系统正常运行天数', '>=', '365', '天', '365', '100%', 12.5, 12.5),
        ('产出指标', '数量指标', '故障修复完成率', '>=', '100', '%', '100', '100%', 12.5, 12.5),
        ('产出指标', '质量指标', '巡查维修到场比率', '>=', '100', '%', '100', '100%', 12.5, 12.5),
        ('产出指标', '质量指标', '技术规范相符性', None, '符合规范', None, GRADE, '100%', 12.5, 12.5),
        ('效益指标', '社会效益指标', '系统正常运行率', '>=', '100', '%', '100', '100%', 20.0, 20.0),
        ('效益指标', '可持续影响指标', '保障系统安全持续稳定运行', None, '稳定运行', None, GRADE, '100%', 20.0, 20.0),
    ],
    ('12345平台管理经费', '辽宁省民心网'): [
        ('产出指标', '数量指标', '省、市平台受理总量', '>=', '500', '万件', '637', '100%', 12.5, 12.5),
        ('产出指标', '数量指标', '知识库系统总数量', '>=', '60', '万条', '63', '100%', 12.5, 12.5),
        ('产出指标', '质量指标', '办结率', '>=', '90', '%', '97', '100%', 12.5, 12.5),
        ('产出指标', '质量指标', '督查检查率', '>=', '90', '%', '90', '100%', 12.5, 12.5),
        ('效益指标', '经济效益指标', '促进政府还利于民金额', '>=', '500', '万元', '603', '100%', 20.0, 20.0),
        ('效益指标', '社会效益指标', '媒体宣传报道数量', '>=', '6', '次数', '6', '100%', 20.0, 20.0),
    ],
    ('省本级信息化运行维护项目', '辽宁省民心网'): [
        ('产出指标', '数量指标', '保证网络系统正常运行天数', '>=', '365', '天', '365', '100%', 12.5, 12.5),
        ('产出指标', '数量指标', '故障修复完成率', '>=', '100', '%', '100', '100%', 12.5, 12.5),
        ('产出指标', '质量指标', '巡查维修到场比率', '>=', '100', '%', '100', '100%', 12.5, 12.5),
        ('产出指标', '质量指标', '技术规范相符性', None, '符合规范', None, GRADE, '100%', 12.5, 12.5),
        ('效益指标', '社会效益指标', '系统正常运行率', '>=', '100', '%', '100', '100%', 20.0, 20.0),
        ('效益指标', '可持续影响指标', '保障系统安全持续稳定运行', None, '稳定运行', None, GRADE, '100%', 20.0, 20.0),
    ],
    ('辽宁省12345政务服务便民热线平台运行经费', '辽宁省数据局本级'): [
        ('产出指标', '数量指标', '省、市平台受理总量', '>=', '500', '万件', '636', '100%', 12.5, 12.5),
        ('产出指标', '数量指标', '知识库系统总数量', '>=', '60', '万条', '63', '100%', 12.5, 12.5),
        ('产出指标', '质量指标', '话务端来电直接办复率', '>=', '60', '%', '73', '100%', 12.5, 12.5),
        ('产出指标', '质量指标', '办结率', '>=', '90', '%', '97', '100%', 12.5, 12.5),
        ('效益指标', '经济效益指标', '促进政府还利于民金额', '>=', '500', '万元', '602', '100%', 20.0, 20.0),
        ('效益指标', '社会效益指标', '媒体宣传报道数量', '>=', '6', '次数', '6', '100%', 20.0, 20.0),
    ],
}

UNIT_INDICATORS = {
    '069003': [
        ('履职效能', '重点工作履行情况', '重点工作办结率', '=', '100', '%', '100', '1', 3.5, 3.5),
        ('履职效能', '整体工作完成情况', '总体工作完成率', '=', '100', '%', '100', '1', 3.3, 3.3),
        ('履职效能', '整体工作完成情况', '工作完成及时率', '=', '100', '%', '100', '1', 3.3, 3.3),
        ('履职效能', '整体工作完成情况', '工作质量达标率', '=', '100', '%', '100', '1', 3.3, 3.3),
        ('履职效能', '基础管理', '依法行政能力', None, '管理规范', None, GRADE, '1', 3.3, 3.3),
        ('履职效能', '基础管理', '综合管理水平', None, '管理规范', None, GRADE, '1', 3.3, 3.3),
        ('预算执行', '预算执行效率', '预算执行率', '=', '100', '%', '97', '1', 1.6, 1.6),
        ('预算执行', '预算执行效率', '结转结余变动率', '<=', '0', '%', '0', '1', 1.8, 1.8),
        ('预算执行', '预算执行效率', '预算调整率', '<=', '5', '%', '19', '0.26', 1.6, 0.416),
        ('管理效率', '预算编制管理', '预算绩效目标覆盖率', '=', '100', '%', '100', '1', 0.7, 0.7),
        ('管理效率', '预算监督管理', '预决算公开情况', None, '全部公开', None, GRADE, '1', 0.7, 0.7),
        ('管理效率', '预算收支管理', '预算收入管理规范性', None, '管理规范', None, GRADE, '1', 0.7, 0.7),
        ('管理效率', '预算收支管理', '预算支出管理规范性', None, '管理规范', None, GRADE, '1', 0.7, 0.7),
        ('管理效率', '财务管理', '内控制度有效性', None, '制度有效', None, GRADE, '1', 0.7, 0.7),
        ('管理效率', '资产管理', '固定资产利用率', '=', '100', '%', '100', '1', 0.7, 0.7),
        ('管理效率', '业务管理', '政府采购管理违法违规行为发生次数', '=', '0', '次', '0', '1', 0.8, 0.8),
        ('运行成本', '成本控制成效', '（三公）经费变动率', '<=', '0', '%', '0', '1', 2.5, 2.5),
        ('运行成本', '成本控制成效', '在职人员控制率', '<=', '100', '%', '100', '1', 2.5, 2.5),
        ('社会效应', '社会效益', '服务对象满意度', '>=', '90', '%', '100', '1', 6.6, 6.6),
        ('社会效应', '服务对象满意度', '受益对象满意度', '>=', '90', '%', '100', '1', 6.6, 6.6),
        ('社会效应', '社会公众满意度', '职工群众满意率', '>=', '90', '%', '100', '1', 6.8, 6.8),
        ('可持续性', '体制机制改革', '完善部门内部控制', None, '持续完善', None, GRADE, '1', 2.5, 2.5),
        ('可持续性', '体制机制改革', '建立预算绩效管理机制', None, '稳步推进', None, GRADE, '1', 2.5, 2.5),
    ],
    '069007': [
        ('履职效能', '重点工作履行情况', '重点工作办结率', '=', '100', '%', '100', '1', 3.5, 3.5),
        ('履职效能', '整体工作完成情况', '总体工作完成率', '=', '100', '%', '100', '1', 3.3, 3.3),
        ('履职效能', '整体工作完成情况', '工作完成及时率', '=', '100', '%', '100', '1', 3.3, 3.3),
        ('履职效能', '整体工作完成情况', '工作质量达标率', '=', '100', '%', '100', '1', 3.3, 3.3),
        ('履职效能', '基础管理', '综合管理水平', None, '管理规范', None, GRADE, '1', 3.3, 3.3),
        ('履职效能', '基础管理', '依法行政能力', None, '管理规范', None, GRADE, '1', 3.3, 3.3),
        ('预算执行', '预算执行效率', '预算执行率', '=', '100', '%', '97.74', '1', 1.6, 1.6),
        ('预算执行', '预算执行效率', '结转结余变动率', '<=', '0', '%', '2.26', '0', 1.8, 0.0),
        ('预算执行', '预算执行效率', '预算调整率', '<=', '5', '%', '26.84', '0.19', 1.6, 0.304),
        ('管理效率', '预算编制管理', '预算绩效目标覆盖率', '=', '100', '%', '100', '1', 0.7, 0.7),
        ('管理效率', '预算监督管理', '预决算公开情况', None, '全部公开', None, GRADE, '1', 0.7, 0.7),
        ('管理效率', '预算收支管理', '预算收入管理规范性', None, '管理规范', None, GRADE, '1', 0.7, 0.7),
        ('管理效率', '预算收支管理', '预算支出管理规范性', None, '管理规范', None, GRADE, '1', 0.7, 0.7),
        ('管理效率', '财务管理', '内控制度有效性', None, '制度有效', None, GRADE, '1', 0.7, 0.7),
        ('管理效率', '资产管理', '固定资产利用率', '=', '100', '%', '100', '1', 0.8, 0.8),
        ('管理效率', '业务管理', '政府采购管理违法违规行为发生次数', '=', '0', '次', '100', '1', 0.7, 0.7),
        ('运行成本', '成本控制成效', '在职人员控制率', '<=', '100', '%', '100', '1', 2.5, 2.5),
        ('运行成本', '成本控制成效', '（三公）经费变动率', '<=', '0', '%', '0', '1', 2.5, 2.5),
        ('社会效应', '服务对象满意度', '接待对象满意度', '>=', '90', '%', '100', '1', 5.0, 5.0),
        ('社会效应', '服务对象满意度', '受益企业满意度', '>=', '90', '%', '100', '1', 5.0, 5.0),
        ('社会效应', '社会公众满意度', '当地群众满意度', '>=', '90', '%', '100', '1', 5.0, 5.0),
        ('社会效应', '主管部门满意度', '上级主管部门满意度', '>=', '90', '%', '100', '1', 5.0, 5.0),
        ('可持续性', '体制机制改革', '完善内控制度', None, '完善制度', None, GRADE, '1', 2.5, 2.5),
        ('可持续性', '体制机制改革', '建立预算绩效管理机制', None, '加强管理', None, GRADE, '1', 2.5, 2.5),
    ],
}

UNIT_TASKS = {
    "069003": [
        ("基本支出公用经费（保运转）", 246.48, 230.47, 93.50, 13.3, 12.43),
        ("基本支出人员经费（保工资）", 1404.01, 1355.5, 96.54, 13.3, 12.83),
        ("基本支出人员经费（刚性）", 1003.88, 967.57, 96.38, 13.4, 12.91),
    ],
    "069007": [
        ("基本支出公用经费（保运转）", 14.87, 14.56, 97.96, 13.3, 13.02),
        ("基本支出人员经费（刚性）", 48.31, 47.63, 98.61, 13.3, 13.11),
        ("基本支出人员经费（保工资）", 72.13, 70.04, 97.10, 13.4, 13.01),
    ],
}


def _row(indicator) -> tuple:
    i = indicator
    return (i.level1, i.level2, i.level3, i.operator, i.target, i.unit, i.actual, i.completion, i.weight, i.score)


def _grep(text: str) -> list[int]:
    """Like `grep -n`: the 1-based numbers of the seed's lines containing ``text``."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    return [n for n, line in enumerate(lines, start=1) if text in line]


@pytest.fixture(scope="module")
def document() -> Document:
    return read_text_document(SEED)


@pytest.fixture(scope="module")
def parsed(document):
    return read_performance(document)


@pytest.fixture(scope="module")
def projects(parsed):
    return {(p.name, p.implementing_unit): p for p in parsed[0]}


@pytest.fixture(scope="module")
def units(parsed):
    return {u.unit_code: u for u in parsed[1]}


# ------------------------------------------------------------------------------------------------------ projects


def test_all_seven_projects_in_order(parsed):
    names = [(p.name, p.implementing_unit) for p in parsed[0]]
    assert names == list(PROJECT_HEADERS)
    assert len(parsed[0]) == 7


@pytest.mark.parametrize("key", list(PROJECT_HEADERS), ids=lambda k: f"{k[0]}@{k[1]}")
def test_project_header_and_scores(projects, key):
    project = projects[key]
    department, budget, actual, rate, subtotal, execution, deduction, total = PROJECT_HEADERS[key]
    assert project.department == department
    assert project.budget == pytest.approx(budget)
    assert project.actual == pytest.approx(actual)
    assert project.execution_rate_pct == pytest.approx(rate)
    assert project.indicator_subtotal == pytest.approx(subtotal)
    assert project.execution_score == pytest.approx(execution)
    assert project.deduction == pytest.approx(deduction)
    assert project.total_score == pytest.approx(total)


@pytest.mark.parametrize("key", list(PROJECT_INDICATORS), ids=lambda k: f"{k[0]}@{k[1]}")
def test_project_indicators(projects, key):
    expected = PROJECT_INDICATORS[key]
    got = [_row(i) for i in projects[key].indicators]
    assert len(got) == len(expected)
    assert got == expected


@pytest.mark.parametrize("key", list(PROJECT_HEADERS), ids=lambda k: f"{k[0]}@{k[1]}")
def test_project_weights_sum_to_subtotal_maximum(projects, key):
    """Every project's indicator weights add up to 90 (the subtotal's maximum): no row was lost or doubled."""
    project = projects[key]
    assert sum(i.weight for i in project.indicators) == pytest.approx(90)
    assert sum(i.score for i in project.indicators) == pytest.approx(project.indicator_subtotal)


def test_row_printed_after_the_subtotal(projects, parsed):
    project = projects[("全省一体化在线政务服务平台建设工作经费", "辽宁省数据局本级")]
    late = project.indicators[-1]
    assert late.level3 == "“辽事通”上线事项"
    assert (late.operator, late.target, late.unit, late.actual, late.weight, late.score) == (
        ">=", "950", "个", "1049", 12.5, 12.5)
    assert late.source.line == _grep(">= 950 个 1049 100% 12.5 12.5")[0]
    assert late.source.line > _grep("指标自评得分小计 90 预算执行率得分 8.6")[0]
    issues = [i for i in parsed[2] if i.kind == "indicator_after_subtotal"]
    assert len(issues) == 1 and issues[0].severity == "info" and issues[0].source == late.source


def test_goal_texts(projects):
    hall = projects[("辽宁省政务服务大厅运转经费", "辽宁省数据局本级")]
    assert hall.target_text.startswith("保障政务服务中心工作正常开展")
    assert hall.target_text.endswith("保安等物业工作的开展。")
    assert hall.achievement_text.startswith("2024年，按部就班")
    assert hall.achievement_text.endswith("规范、高效、有序、安全。")
    online = projects[("全省一体化在线政务服务平台建设工作经费", "辽宁省数据局本级")]
    assert online.target_text == "提高“一网通办”和“辽事通”服务水平，扩大事项办理覆盖面。"
    assert online.achievement_text == "提高“一网通办”和“辽事通”服务水平，扩大事项办理覆盖面。"
    business = projects[("全省营商环境建设项目经费", "辽宁省数据局本级")]
    assert business.target_text.endswith("以立法引领和推动营商环境优化")
    assert business.achievement_text.startswith("全面贯彻省委、省政府部署要求")
    upkeep = projects[("省本级信息化运行维护项目", "辽宁省数据局本级")]
    assert upkeep.target_text == "保障政务大厅网络及其软硬件设施正常使用。"
    assert upkeep.achievement_text.startswith("2024年，大厅网络专线")
    platform = projects[("12345平台管理经费", "辽宁省民心网")]
    assert platform.target_text == "提升全省12345平台的高效管理及企业、群众诉求办理质效"
    assert platform.achievement_text.startswith("着力强化全省12345热线平台")
    hotline = projects[("辽宁省12345政务服务便民热线平台运行经费", "辽宁省数据局本级")]
    assert hotline.target_text.startswith("（1）省级12345热线台席运维；") and hotline.target_text.endswith("业务指导服务。")
    assert hotline.achievement_text == "2024年，全省12345热线平台受理企业群众诉求问题6367447件，已达到预期工作任务指标。"


def test_stray_paragraph_after_table_is_target_text(projects, parsed):
    """The paragraph printed after 省本级信息化运行维护项目 (民心网)'s score line is its 年初设定目标, not an indicator."""
    project = projects[("省本级信息化运行维护项目", "辽宁省民心网")]
    assert project.target_text.startswith("按照《国务院办公厅进一步优化地方政府便民热线的指导意见》")
    assert project.target_text.endswith("完成便民热线整合和保障省级12345政务服务便民热线持续稳定运行。")
    assert project.achievement_text == "已完成便民热线整合，同时在联通线路有效的运维保障下，省级12345政务服务便民热线平台持续稳定运行。"
    assert len(project.indicators) == 6
    assert any(i.kind == "stray_target_text" for i in parsed[2])


def test_two_projects_with_the_same_name_are_both_kept(parsed):
    same = [p for p in parsed[0] if p.name == "省本级信息化运行维护项目"]
    assert [p.implementing_unit for p in same] == ["辽宁省数据局本级", "辽宁省民心网"]
    assert [p.budget for p in same] == [11.35, 163.67]


# --------------------------------------------------------------------------------------------- unit evaluations


def test_unit_headers(parsed, units):
    assert [(u.unit_code, u.unit_name) for u in parsed[1]] == [("069003", "辽宁省数据局本级"), ("069007", "辽宁省民心网")]
    first, second = units["069003"], units["069007"]
    assert (first.budget_income, first.budget_expenditure, first.total_score) == (2147.68, 2147.68, 96.99)
    assert (second.budget_income, second.budget_expenditure, second.total_score) == (106.68, 106.68, 96.04)


@pytest.mark.parametrize("code", list(UNIT_TASKS))
def test_unit_tasks(units, code):
    got = [(t.name, t.allocated, t.executed, t.execution_rate_pct, t.weight, t.score) for t in units[code].tasks]
    assert got == UNIT_TASKS[code]


@pytest.mark.parametrize("code", list(UNIT_INDICATORS))
def test_unit_indicators(units, code):
    expected = UNIT_INDICATORS[code]
    got = [_row(i) for i in units[code].indicators]
    assert len(got) == len(expected)
    assert got == expected


@pytest.mark.parametrize("code", list(UNIT_INDICATORS))
def test_unit_weights_and_scores_add_up(units, code):
    """Tasks and indicators share the 100 points; their scores add up to 总评价得分 within the table's rounding."""
    unit = units[code]
    weights = sum(t.weight for t in unit.tasks) + sum(i.weight for i in unit.indicators)
    scores = sum(t.score for t in unit.tasks) + sum(i.score for i in unit.indicators)
    assert weights == pytest.approx(100)
    assert scores == pytest.approx(unit.total_score, abs=0.01)


def test_unit_goal_texts(units):
    assert units["069003"].target_text == "保障省营商局机关正常运转"
    assert units["069003"].achievement_text == "保障省营商局机关正常运转"
    assert units["069007"].target_text.startswith("1.收集和整理营商环境问题")
    assert units["069007"].target_text.endswith("3.受理外商投资企业投诉和开展政策咨询")
    assert units["069007"].achievement_text.startswith("1.收集和整理营商环境问题")
    assert "全年完成日报265期" in units["069007"].achievement_text


def test_unit_deviation_reasons(units):
    adjustment = next(i for i in units["069003"].indicators if i.level3 == "预算调整率")
    assert adjustment.deviation_reason.startswith("2024年度按省人社厅及省财政厅相关人员工资调整要求追加在职人员24年7月起工资差额")
    assert "其他:2024年度按省人社厅" in adjustment.deviation_reason
    carryover = next(i for i in units["069007"].indicators if i.level3 == "结转结余变动率")
    assert carryover.deviation_reason.startswith("按上级部门要求")
    assert "人员保障:按上级部门要求" in carryover.deviation_reason
    three = next(i for i in units["069007"].indicators if i.level3 == "（三公）经费变动率")
    assert three.deviation_reason.startswith("根据成本控制成效指标要求")
    # a row followed directly by the next row or level name has no reason
    assert next(i for i in units["069007"].indicators if i.level3 == "预算执行率").deviation_reason is None
    with_reason = [i.level3 for u in units.values() for i in u.indicators if i.deviation_reason]
    assert with_reason == ["预算调整率", "结转结余变动率", "预算调整率", "（三公）经费变动率"]


# -------------------------------------------------------------------------------------------------- provenance


def test_provenance(document, projects, units):
    fire = projects[("辽宁省政务服务大厅运转经费", "辽宁省数据局本级")].indicators[0]
    assert (fire.source.file, fire.source.page, fire.source.line) == (str(SEED), 28, 1388)
    assert _grep("消防维保次数 >= 12 次 12 100% 12.5 12.5") == [1388]
    hall = projects[("辽宁省政务服务大厅运转经费", "辽宁省数据局本级")]
    assert hall.source.line == _grep("项目预算金额（万元） 1079.03")[0]
    qualitative = projects[("全省一体化在线政务服务平台建设工作经费", "辽宁省数据局本级")].indicators[1]
    assert qualitative.source.line in _grep("100% 12.5 12.5")
    assert qualitative.source.line > _grep("技术规范相符")[0]
    adjustment = [i for i in units["069003"].indicators if i.level3 == "预算调整率"][0]
    assert (adjustment.source.page, adjustment.source.line) == (35, _grep("预算调整率 <= 5 % 19 0.26 1.6 0.416")[0])
    task = units["069007"].tasks[0]
    assert (task.source.page, task.source.line) == (36, _grep("14.87 14.56 97.96% 13.3 13.02")[0])
    assert units["069007"].source.line == _grep("部门年初预算收入金额 106.68")[0]
    pages = {line.line: line.page for line in document.lines}
    for project in projects.values():
        for indicator in project.indicators:
            assert pages[indicator.source.line] == indicator.source.page
            assert indicator.source.file == str(SEED)


def test_every_score_within_its_weight(parsed):
    for record in [*parsed[0], *parsed[1]]:
        for indicator in record.indicators:
            assert 0 <= indicator.score <= indicator.weight


def test_no_warnings_on_the_seed(parsed):
    assert [i for i in parsed[2] if i.severity != "info"] == []


# -------------------------------------------------------------------------------------------------- robustness


def _cut(document: Document, last_line: int) -> Document:
    lines = [line for line in document.lines if line.line <= last_line]
    return Document(document.file, document.format, document.encoding, lines, document.pages)


def test_project_table_cut_mid_way(document):
    """The document ends in the middle of 全省营商环境建设项目经费's indicator rows."""
    cut = _grep("督查检查率 >= 100 % 100 100% 12.5 12.5")[0]
    projects, units, issues = read_performance(_cut(document, cut))
    assert len(projects) == 3 and units == []
    last = projects[-1]
    assert last.name == "全省营商环境建设项目经费" and last.budget == 68
    assert [i.level3 for i in last.indicators] == ["重难点问题解决率", "新增标杆评价指标数", "督查检查率"]
    assert last.indicator_subtotal is None and last.total_score is None
    warnings = [i for i in issues if i.severity == "warning"]
    assert [w.kind for w in warnings] == ["table_truncated"]


def test_unit_table_cut_mid_way(document):
    cut = _grep("预算调整率 <= 5 % 19 0.26 1.6 0.416")[0] + 4
    projects, units, issues = read_performance(_cut(document, cut))
    assert len(projects) == 7 and len(units) == 1
    unit = units[0]
    assert unit.unit_code == "069003" and unit.total_score is None and len(unit.tasks) == 3
    assert [i.level3 for i in unit.indicators][-1] == "预算调整率"
    assert any(i.kind == "table_truncated" and i.severity == "warning" for i in issues)


@pytest.mark.parametrize("cut_at", [1322, 1325, 1331, 1340, 1400, 1480, 1491, 1495, 2058, 2064, 2073, 2080, 2160])
def test_any_cut_never_raises(document, cut_at):
    projects, units, issues = read_performance(_cut(document, cut_at))
    assert all(p.source.line <= cut_at for p in projects)
    assert any(i.severity == "warning" for i in issues)


def test_document_without_tables():
    doc = Document("x.txt", "text", "utf-8", [Line("《预算项目（政策）绩效自评表》见附件。", 1, 1)], [])
    assert read_performance(doc) == ([], [], [])


def _doc(texts: list[str]) -> Document:
    return Document("t.txt", "text", "utf-8", [Line(t, 1, n) for n, t in enumerate(texts, start=1)], [])


def test_title_variants_and_other_wording():
    """A 项目支出绩效自评表 with half-width brackets, unitless and ≥ rows, and a 部门整体支出绩效自评表."""
    doc = _doc([
        "项目支出绩效自评表",
        "项目名称 某某项目",
        "主管部门 某局 实施单位 某中心",
        "项目预算数（万元） 100 全年执行数（万元） 80 执行率 80%",
        "年初设定目标 全年实际完成情况",
        "完成某某任务。 完成了某某任务。",
        "绩效指标",
        "一级指标 二级指标 三级指标 年度目标值 全年完成值 分值 得分",
        "产出指标",
        "时效指标",
        "按时完成率 ≥ 95 % 96 100% 50 50",
        "满意度指标",
        "服务对象满意度指标",
        "群众满意度 ≥ 90 92 100% 40 38",
        "指标自评得分小计 88 预算执行率得分 8 减分项 0 绩效自评总得分 96",
        "部门整体支出绩效自评表",
        "部门(单位)名称 某局",
        "部门年初预算收入金额 500",
        "年初总体目标 全年完成情况",
        "目标 完成",
        "绩效指标",
        "产出指标",
        "数量指标",
        "任务完成率 = 100 % 100 1 100 100",
        "总评价得分 100",
    ])
    projects, units, issues = read_performance(doc)
    assert len(projects) == 1 and len(units) == 1
    project = projects[0]
    assert (project.name, project.department, project.implementing_unit) == ("某某项目", "某局", "某中心")
    assert (project.budget, project.actual, project.execution_rate_pct) == (100, 80, 80)
    assert [_row(i) for i in project.indicators] == [
        ("产出指标", "时效指标", "按时完成率", ">=", "95", "%", "96", "100%", 50, 50),
        ("满意度指标", "服务对象满意度指标", "群众满意度", ">=", "90", None, "92", "100%", 40, 38),
    ]
    assert project.total_score == 96
    unit = units[0]
    assert (unit.unit_code, unit.unit_name, unit.budget_income, unit.total_score) == (None, "某局", 500, 100)
    assert [_row(i) for i in unit.indicators] == [("产出指标", "数量指标", "任务完成率", "=", "100", "%", "100", "1", 100, 100)]
    assert [i for i in issues if i.severity == "warning"] == []


def test_split_goal_text_undecidable_keeps_target():
    lines = [Line("一二三四五六七八九十一二三四五六七八九十", 1, 1), Line("一二三四五。", 1, 2)]
    target, achievement, decided = split_goal_text(lines)
    assert (target, achievement, decided) == ("一二三四五六七八九十一二三四五六七八九十一二三四五。", None, False)


def test_split_goal_text_by_year_and_geometry():
    by_year = [Line("保障运转。", 1, 1), Line("2024年，完成了。", 1, 2)]
    assert split_goal_text(by_year)[:2] == ("保障运转。", "2024年，完成了。")
    geometry = [Line("一二三四五六七八九十一二三四五六", 1, 1), Line("甲乙丙丁戊己庚辛壬癸甲乙丙丁戊己庚辛", 1, 2),
                Line("甲乙丙丁戊己。", 1, 3)]
    assert split_goal_text(geometry)[:2] == ("一二三四五六七八九十一二三四五六", "甲乙丙丁戊己庚辛壬癸甲乙丙丁戊己庚辛甲乙丙丁戊己。")


def test_cut_anywhere_or_lines_lost_never_raises(document):
    """Cut the attachments at every 9th line, or drop every 5th line: the parser returns what it read, never raises."""
    attachments = [line for line in document.lines if line.line >= 1320]
    for cut_at in range(1320, attachments[-1].line + 1, 9):
        projects, units, _ = read_performance(_cut(document, cut_at))
        assert all(p.source.line <= cut_at for p in projects)
        assert all(u.source.line <= cut_at for u in units)
    holes = Document(document.file, "text", "utf-8", [l for n, l in enumerate(document.lines) if n % 5], [])
    projects, units, issues = read_performance(holes)
    assert all(isinstance(i.kind, str) for i in issues)
