"""The words of a self-evaluation form (绩效自评表): its titles, field labels, score lines and the 一级/二级指标
names of the standard indicator frameworks, as patterns the text reader matches lines with."""

from __future__ import annotations

from gongkai.extract.lazy_pattern import lazy_pattern


_NUM = r"-?\d+(?:\.\d+)?"
_NUM_RE = lazy_pattern(rf"^{_NUM}$")
_COMPLETION_RE = lazy_pattern(rf"^{_NUM}%?$")

_PROJECT_TITLE = lazy_pattern(r"^[^《》，。,]{0,8}?项目(?:（政策）)?(?:支出)?绩效自评表(?:（\d{4}年度?）)?$")
# 西安市级{项目名称}项目绩效自评表 / …专项资金绩效自评表: the project's own name in the title (no colon: not a reference)
_NAMED_UNIT_TITLE = lazy_pattern(r"^[^《》，。,：:]{2,40}?(?:部门(?:（单位）)?|单位)整体(?:支出)?绩效自评表(?:（\d{4}年度?）)?$")
_NAMED_PROJECT_TITLE = lazy_pattern(r"^[^《》，。,：:]{2,60}?(?:项目|专项资金)(?:支出)?绩效自评表(?:（\d{4}年度?）)?$")
_UNIT_TITLE = lazy_pattern(r"^[^《》，。,]{0,8}?(?:部门(?:（单位）)?|单位)整体(?:支出)?绩效自评表(?:（\d{4}年度?）)?$")

_OPERATORS = {"≥": ">=", "≤": "<=", "＝": "=", "＞": ">", "＜": "<", "＞＝": ">=", "＜＝": "<="}
_OPERATOR = lazy_pattern("[<>=≥≤＝＞＜]")  # a character of every operator below; most lines have none
_QUANT_ROW = lazy_pattern(r"^(?P<label>.*?)\s*(?P<op>>=|<=|＞＝|＜＝|≥|≤|=|＝|>|<|＞|＜)\s*(?P<rest>\S.*)$")
_SCORE_TAIL = lazy_pattern(rf"^(?:(?P<pre>.*?\S)\s+)?(?P<completion>{_NUM}%?)\s+(?P<weight>{_NUM})\s+(?P<score>{_NUM})$")
_TASK_ROW = lazy_pattern(
    rf"^(?P<name>.*?\S)\s+(?P<allocated>{_NUM})\s+(?P<executed>{_NUM})\s+(?P<rate>{_NUM})%?"
    rf"\s+(?P<weight>{_NUM})\s+(?P<score>{_NUM})$"
)

_PROJECT_NAME = lazy_pattern(r"^项目(?:（政策）)?名称\s*(?P<value>.*)$")
_DEPARTMENT = lazy_pattern(r"^主管部门\s*(?P<value>.*?)(?:\s+实施单位\s*(?P<unit>.*))?$")
_IMPLEMENTING_UNIT = lazy_pattern(r"^实施单位\s*(?P<value>.*)$")
_BUDGET = lazy_pattern(rf"预算(?:金额|数)(?:（万元）)?\s*(?P<value>{_NUM})")
_EXECUTED = lazy_pattern(rf"执行数(?:（万元）)?\s*(?P<value>{_NUM})")
_RATE = lazy_pattern(rf"执行率\s*(?P<value>{_NUM})\s*%?")
_UNIT_NAME = lazy_pattern(r"^(?:部门(?:（单位）)?|单位)名称\s*(?P<code>\d{3,})?\s*(?P<name>.*)$")
_UNIT_INCOME = lazy_pattern(rf"预算收入(?:金额)?(?:（万元）)?\s*(?P<value>{_NUM})")
_UNIT_EXPENDITURE = lazy_pattern(rf"预算支出(?:金额)?(?:（万元）)?\s*(?P<value>{_NUM})")

_GOAL_HEADER = lazy_pattern(r"^(?:年度总体目标)?年初.{0,4}目标.{0,6}(?:完成|实际)|^预期目标(?:（年初设定）)?(?:目标)?实际完成情况")
# 年度资金总额 [年初预算数] 全年预算数 全年执行数 分值 执行率% 得分 (the 年初 column may be blank)
_FUNDS_ROW = lazy_pattern(r"(?:年度)?资金总额\s+(?P<values>.*)$")
_AMOUNT = r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?"
# 任务名称 主要内容 完成情况 | 全年预算数 总额 财政拨款 其他资金 | 全年执行数 总额 财政拨款 其他资金 | 分值 执行率 得分
_WIDE_TASK_ROW = lazy_pattern(rf"^(?P<pre>.*\S)\s+(?P<allocated>{_AMOUNT})(?:\s+(?:{_AMOUNT})){{2}}\s+(?P<executed>{_AMOUNT})"
                              rf"(?:\s+(?:{_AMOUNT})){{2}}\s+(?P<weight>{_NUM})\s+(?P<rate>{_NUM})%\s+(?P<score>{_NUM})$")
_TOTAL_ROW = lazy_pattern(rf"^总分\s+(?:(?P<weight>{_NUM})\s+)?(?P<value>{_NUM})$")  # 总分 100 99: 分值 then 得分
_INDICATOR_START = ("绩效指标", "一级指")  # line prefixes
_REPEATED_HEADER = "一级指"
_SUBTOTAL = lazy_pattern(rf"指标自评得分小计\s*(?P<value>{_NUM})")
_EXECUTION_SCORE = lazy_pattern(rf"执行率得分\s*(?P<value>{_NUM})")
_DEDUCTION = lazy_pattern(rf"减分项?\s*(?P<value>{_NUM})")
_PROJECT_TOTAL = lazy_pattern(rf"(?:自评)?总得分\s*(?P<value>{_NUM})")
_UNIT_TOTAL = lazy_pattern(rf"^(?:总评价得分|评价总得分|自评总得分|总得分|总分)\s*[:：]?\s*(?P<value>{_NUM})")
# Column headings of an indicator table: words anywhere, endings, and whole or leading cell texts.
_HEADER_WORDS = ("原因", "措施", "分值", "得分")
_HEADER_ENDINGS = ("完成值", "目标值")
_HEADER_CELL = lazy_pattern(r"^(?:(?:运算)?符号$|度量|(?:完成)?程度$|指标值$|绩效指标$|一级指标|二级指标)")
_GRADE_START = lazy_pattern(r"^(?:全部或基本|全部|基本|大部分|部分|未|没有)(?:达成|完成|实现|达到)")
_YEAR_START = lazy_pattern(r"^20\d\d年")
_SENTENCE_END = lazy_pattern(r"[。；;！!]$")
_PART_HEADING = lazy_pattern(r"^第[一二三四五六七八九十]+部分")
_PUNCTUATION = lazy_pattern(r"[，。：:；;、！!]")
_REASON_PART = lazy_pattern(r"^[\u4e00-\u9fff]{2,8}[:：]")
_TASK_LABEL = "年度主要任务"

# 一级/二级指标 names of the standard frameworks: projects (产出/效益/满意度/成本) and unit evaluations (整体绩效).
_PROJECT_LEVEL1 = frozenset({"产出指标", "效益指标", "满意度指标", "成本指标"})
_PROJECT_LEVEL2 = lazy_pattern(r"^(?:(?!指标)[\u4e00-\u9fff]){0,8}(?:数量|质量|时效|成本|效益|影响|满意度)指标$")
_PROJECT_LEVEL2_SUFFIX = "指标"  # of every name _PROJECT_LEVEL2 matches: a cheap test before the pattern
_UNIT_LEVEL1 = _PROJECT_LEVEL1 | frozenset(
    {"履职效能", "预算执行", "管理效率", "运行成本", "社会效应", "可持续性", "投入", "过程", "产出", "效益", "效果"}
)
_UNIT_LEVEL2 = frozenset(
    {
        "重点工作履行情况", "整体工作完成情况", "基础管理", "预算执行效率", "预算编制管理", "预算监督管理",
        "预算收支管理", "财务管理", "资产管理", "业务管理", "人员管理", "成本控制成效", "经济效益", "社会效益",
        "生态效益", "可持续影响", "服务对象满意度", "社会公众满意度", "主管部门满意度", "体制机制改革",
        "预算配置", "预算管理", "职责履行", "履职效益", "目标设定",
    }
)
_MAX_LEVEL_FRAGMENTS = 4
_MAX_LEVEL_NAME = 14
_MAX_STRAY_LINES = 12
_FULL_TOLERANCE = 0.6
