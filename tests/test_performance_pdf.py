"""Ruled self-evaluation forms of a real PDF final (西安市卫生健康委员会（汇总）2022, pages 30–143), read box by box.

Every expected value below was read from the page renders (pypdfium2, scale 1.4): wrapped cells joined, blank
cells None. The report prints 87 项目支出绩效自评表 (pages 55–141, one a page; the titles of pages 84, 90 and 113
wrap over two lines), one 专项资金绩效自评表 (page 143) and one 部门整体支出绩效自评表 over pages 30–31.
Its own inconsistencies (printed 执行率 1000%, 总分 without the 执行率得分) are listed in the Xi'an golden
(tests/data/golden/2022_xian-wjw_final.txt) and checked by tests/test_finals.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gongkai.extract.pdf_document import read_pdf_document
from gongkai.extract.narrative import read_narrative_facts
from gongkai.extract.performance import read_performance
from gongkai.extract.project_matching import match_project

XIAN = Path("/work/shared/corpus/final/2022_xian-wjw_final.pdf")
UNIT = "西安市卫生健康委员会"

# page → name, 主管部门, 实施单位, 全年预算数, 全年执行数, 执行率 %, 执行率得分, 总分
PROJECTS = {
    60: ("采供血人员经费项目", UNIT, "西安市中心血站", 5166.99, 5166.99, 100.0, 10.0, 99.0),
    70: ("中职免学费补助（市级资金）", UNIT, "西安市卫生学校", 352.74, 352.66, 99.98, 9.98, 90.0),
    98: ("公共卫生事业发展资金", UNIT, "西安市儿童医院", 400.0, 400.0, 1000.0, 10.0, 100.0),
    131: ("核磁共振", UNIT, "西安市阎良铁路医院", 218.0, 218.0, 100.0, None, 75.55),
    140: ("公共卫生事业发展资金", UNIT, "西安市第一医院", 7614.74, 7614.74, 1000.0, 10.0, 97.0),
    143: ("卫生健康事业发展专项资金", UNIT, UNIT, 52110.0, 51552.9, 98.93, 9.0, 98.0),
}

GOALS = {
    131: ("安装完成、投入使用", "已完成"),
    140: ("全年实际完成情况", "基本达成预期指标"),  # the form prints these words in the 预期目标 box
    143: ("主要用于免费向居民提供各项公共卫生服务，提升基层医疗机构服务能力，落实国家药物补助政策，落实计划生育奖补政策，"
          "支持中医药和老龄事业发展等方向。", "全部完成"),
}

SOCIAL = "保障临床用血，推动采供血工作可持续性发展"
# (一级, 二级, 三级, operator, 年度指标值, 实际完成值, 分值, 得分, 偏差原因分析及改进措施), in printed order
INDICATORS = {
    60: [
        ("产出指标", "数量指标", "单位职工人数", None, "346", "346", 12.5, 12.5, "无"),
        ("产出指标", "质量指标", "质量达标率", None, "年离职率低于2%", "年离职率低于2%", 12.5, 12.5, "无"),
        ("产出指标", "时效指标", "项目完成时间", None, "2022年", "2022年", 12.5, 12.5, "无"),
        ("产出指标", "成本指标", "项目完成成本", None, "5166.99万元", "5166.99万元", 12.5, 12.5, "无"),
        ("效益指标", "社会效益指标", SOCIAL, None, SOCIAL, SOCIAL, 15.0, 15.0, "无"),
        ("效益指标", "可持续影响指标", "保证全年全体职工正常开展工作天数", None, "365天", "365天", 15.0, 15.0, "无"),
        ("满意度指标", "服务对象满意度指标", "全站职工满意度", None, "大于95%", "98%", 10.0, 9.0, "进一步提升血站职工满意度"),
    ],
    70: [
        ("产出指标", "数量指标", "惠及中职学生", ">", "1000人", ">1000人", 20.0, 20.0, None),
        ("产出指标", "质量指标", "资金到位率", None, "100%", "100%", 10.0, 10.0, None),
        ("产出指标", "时效指标", "资金完成时间", None, "1月1日-12月31日", "1月1日-12月31日", 10.0, 10.0, None),
        ("产出指标", "成本指标", "中职免学费测试标准", None, "每生每年4000元", "每生每年4000元", 10.0, 10.0, None),
        ("效益指标", "经济效益指标", "减轻学生家庭的生活负担", None, "有效减轻", "有效减轻", 8.0, 8.0, None),
        ("效益指标", "社会效益指标", "保障学校工作的日常运转", None, "有效保障", "有效保障", 8.0, 8.0, None),
        ("效益指标", "生态效益指标", "生态效益", None, None, None, 8.0, 8.0, None),
        ("效益指标", "可持续影响指标", "政策发挥效应年限", None, "1年", "1年", 6.0, 6.0, None),
        ("满意度指标", "服务对象满意度指标", "受助家庭满意度", ">", "98%", ">98%", 10.0, 10.0, None),
    ],
    131: [
        ("产出指标", "数量指标", "检查人次1859，收入949920元", None, "100%", "60%", 20.0, 12.0, "增加病员量"),
        ("产出指标", "质量指标", "提高医疗质量", None, "100%", "95%", 10.0, 9.5, "保证质量"),
        ("产出指标", "时效指标", "及时提供临床诊断", None, "100%", "98%", 10.0, 9.8, "提供专业、快速诊断"),
        ("产出指标", "成本指标", "胶片6000元/月，人员7000元/月", None, "140万", "130万", 10.0, 10.0, "节约成本"),
        ("效益指标", "经济效益指标", "增加医疗收入", None, "100%", "60%", 10.0, 6.0, "增加病员量"),
        ("效益指标", "社会效益指标", "增加社会影响力", None, "100%", "90%", 10.0, 9.0, "增加宣传"),
        ("效益指标", "生态效益指标", "无污染", None, "100%", "100%", 5.0, 5.0, None),
        ("效益指标", "可持续影响指标", "持续增加社会影响力、增加医疗收入", None, "100%", "95%", 5.0, 4.75, "继续加大宣传"),
        ("满意度指标", "服务对象满意度指标", "提升医患满意度", None, "100%", "95%", 10.0, 9.5, "提升医疗服务"),
    ],
}

# 部门整体支出绩效自评表, pages 30–31: tasks (name, 全年预算数 总额, 全年执行数 总额, 执行率, 分值, 得分)
TASKS_FIRST_LAST = [
    ("一般公共服务支出", 56.0, 56.0, 100.0, 0.58, 0.58),
    ("公立医院", 1700895.6, 1295897.69, 76.19, 0.58, 0.58),
    ("其他地方自行试点项目收益专项债券收入安排的支出", 568051.63, 568051.63, 100.0, 0.72, 0.72),
]
UNIT_INDICATORS = [  # a sample: wrapped 指标内容, ≥ targets, a blank 实际完成值, the last row
    ("产出指标", "数量指标", "指标2：全力做好常态化疫情防控覆盖区县（开发区）数量", None, "16个", "16个", 2.0, 2.0),
    ("产出指标", "数量指标", "指标8：引进高层次人次", ">=", "800人", "744人", 2.0, 1.5),
    ("产出指标", "成本指标", "指标1：全年经费支出", None, "1678648.28万元", None, 10.0, 10.0),
    ("满意度指标", "服务对象满意度指标", "指标1：群众满意率", ">=", "80%", "85%", 10.0, 10.0),
]


@pytest.fixture(scope="module")
def document():
    if not XIAN.exists():
        pytest.skip(f"{XIAN.name} is not available (../shared/corpus)")
    return read_pdf_document(XIAN)


@pytest.fixture(scope="module")
def evaluations(document):
    projects, units, issues = read_performance(document)
    return {p.source.page: p for p in projects}, projects, units, issues


def test_every_form_is_read(evaluations):
    by_page, projects, units, _ = evaluations
    assert len(projects) == 88 and len(by_page) == 88  # one form a page
    assert sorted(by_page) == [*range(55, 142), 143]
    for project in projects:
        assert project.name and project.department == UNIT and project.implementing_unit, project.source.page
        assert project.budget and project.actual is not None and project.total_score, project.name
        assert len(project.indicators) >= 5, project.name
        assert all(i.level1 and i.level2 and i.level3 and i.weight for i in project.indicators), project.name
    assert [u.source.page for u in units] == [30]


@pytest.mark.parametrize("page", sorted(PROJECTS))
def test_project_header(evaluations, page):
    project = evaluations[0][page]
    got = (project.name, project.department, project.implementing_unit, project.budget, project.actual,
           project.execution_rate_pct, project.execution_score, project.total_score)
    assert got == PROJECTS[page]
    if page in GOALS:
        assert (project.target_text, project.achievement_text) == GOALS[page]


@pytest.mark.parametrize("page", sorted(INDICATORS))
def test_project_indicators(evaluations, page):
    got = [(i.level1, i.level2, i.level3, i.operator, i.target, i.actual, i.weight, i.score, i.deviation_reason)
           for i in evaluations[0][page].indicators]
    assert got == INDICATORS[page]


def test_wrapped_title_and_many_rows(evaluations):
    """Page 84's title wraps over two lines; page 143 has 27 indicator rows under merged 一级/二级 boxes."""
    by_page = evaluations[0]
    assert by_page[84].name == "西安市公共卫生中心（西安市疾病预防控制中心新址）建设公务运转"
    indicators = by_page[143].indicators
    assert len(indicators) == 27
    assert [i.level2 for i in indicators].count("成本指标") == 5
    farm = indicators[4]
    assert (farm.level3, farm.operator, farm.target, farm.actual, farm.weight, farm.score, farm.deviation_reason) == (
        "全市农村计划生育家庭参加医疗保险", ">=", "50万人", "48万人", 3.0, 2.0, "政策原因")
    assert (indicators[-1].level1, indicators[-1].level3, indicators[-1].actual) == (
        "满意度指标", "享受高龄津补贴的老年人满意度", "≧90%")


def test_unit_form_over_two_pages(evaluations):
    (unit,) = evaluations[2]
    assert unit.unit_name == UNIT and unit.total_score == 99.5
    tasks = [(t.name, t.allocated, t.executed, t.execution_rate_pct, t.weight, t.score) for t in unit.tasks]
    assert len(tasks) == 17 and [tasks[0], tasks[7], tasks[-1]] == TASKS_FIRST_LAST
    assert unit.target_text.startswith("目标1：全面加强党的建设目标2：") and unit.target_text.endswith("统筹做好其他工作")
    assert unit.achievement_text.startswith("目标1：持续用力") and unit.achievement_text.endswith("取得新成绩。")
    assert len(unit.indicators) == 20
    got = [(i.level1, i.level2, i.level3, i.operator, i.target, i.actual, i.weight, i.score) for i in unit.indicators]
    assert all(row in got for row in UNIT_INDICATORS)
    assert sum(i.score for i in unit.indicators) + sum(t.score for t in unit.tasks) == pytest.approx(99.5)
    assert {i.source.page for i in unit.indicators} == {31}


def test_narrative_summaries_between_the_forms(document, evaluations):
    """The narrative goes on between the forms (pages 32–54 under （三）项目绩效自评结果, 142, 144): its 87 numbered
    summaries (1.单位项目名项目绩效自评综述：全年预算数…万元，执行数…万元，完成预算的…%) and the 专项资金 one are read, and
    those naming a form's project after its unit find it."""
    facts, _ = read_narrative_facts(document, 2022)
    budgets = {f.qualifier: f for f in facts if f.key == "project_budget"}
    assert len(budgets) == 87  # 88 summaries; 56. and 57. both name 西安急救中心疫情防控经费 (a narrative_conflict)
    first = budgets["西安市卫生健康委员会本级（机关）2022年病媒生物防制"]
    assert (first.value, first.source.page) == (229.19, 32)
    assert budgets["卫生健康事业发展专项资金"].value == 52110.0
    projects = evaluations[1]
    actuals = {f.qualifier: f.value for f in facts if f.key == "project_actual"}
    matched = {q: match_project(q, projects, amounts=(budgets[q].value, actuals.get(q))) for q in budgets}
    assert matched["西安市卫生健康委员会本级（机关）2022年病媒生物防制"].source.page == 55
    assert matched["西安市中心血站采供血人员经费"].source.page == 60
    # named otherwise: 项目 left off, other dashes, the unit cut short — found by the name
    assert matched["西安市第三医院二期扩建"].source.page == 108
    assert matched["西安市疾病预防控制中心2022中央重大传染病-艾滋病"].source.page == 83
    assert matched["西安市第一医医用光学仪器"].source.page == 138  # 西安市第一医院's form, whose amounts differ
    # 保洁服务 for the form 保洁项目: found as the one form of its unit printing the stated 232 and 179.24
    assert matched["西安市公共卫生中心（西安市应急医疗中心）保洁服务"].name == "保洁项目"
    assert matched["西安市中医医院中医药康复服务能力提升"].name == "中医药康复能力提升项目"
    assert all(project is not None for project in matched.values())
    assert sum(match_project(q, projects) is not None for q in budgets) == 82  # by the name alone
