"""Budgets' performance-target tables (绩效目标表) read from real budgets against hand-checked goldens.

Goldens (tests/data/budgets/*.targets.golden) list, per target table checked, every cell as printed on the page
images: name, 主管部门, 实施单位, the funds, the annual goal and each indicator row (一级 | 二级 | 三级指标 | 指标值 |
the numeric reading of the target: comparator value unit | 分值), '-' for a blank box. Their headers name the pages and
the source's own inconsistencies. Cells are compared with spaces dropped (word gaps) and brackets made full-width.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gongkai.extract.pdf_target_indicators import parse_target
from gongkai.extract.records import PerformanceTarget
from tests.conftest import SHARED_CORPUS

BUDGETS = SHARED_CORPUS / "budget"
GOLDENS = Path(__file__).parent / "data" / "budgets"
GOLDEN_BUDGETS = ("2026_xian-xfj_budget", "2026_fuzhou-swj_budget", "2026_cq-qxj_budget", "2023_moe-swu_budget",
                  "2026_hangzhou-qxj_budget", "2026_changsha-xfj_budget")

corpus = pytest.mark.skipif(not BUDGETS.is_dir(), reason="the real budgets (../shared/corpus/budget) are absent")


@pytest.fixture(scope="module")
def parsed(parse_budget):
    return parse_budget


def _golden(name: str) -> dict[int, list[list[str]]]:
    """Golden blocks by page, in the order printed: '[target page=N]' then the block's lines."""
    blocks: dict[int, list[list[str]]] = {}
    current: list[str] = []
    for line in (GOLDENS / f"{name}.targets.golden").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line.startswith("[target page="):
            current = []
            blocks.setdefault(int(line.removeprefix("[target page=").rstrip("]")), []).append(current)
        elif line.startswith("amounts:"):
            current.append(_golden_amounts(_cell(line)))
        else:
            current.append(_cell(line))
    return blocks


def _cell(text: str | None) -> str:
    if text is None:
        return "-"
    return "".join(text.split()).replace("(", "（").replace(")", "）")


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _rendered(target: PerformanceTarget) -> list[str]:
    lines = [f"kind:{target.kind}", f"name:{_cell(target.name)}", f"department:{_cell(target.department)}",
             f"implementing_unit:{_cell(target.implementing_unit)}",
             "amounts:" + "".join(f"{key}={_number(value)}" for key, value in (
                 ("total", target.amount_total), ("fiscal", target.amount_fiscal),
                 ("carryover", target.amount_carryover), ("other", target.amount_other)))
             + f"unit={target.amount_unit or '-'}",
             f"goal:{_cell(target.goal_text)}"]
    for ind in target.indicators:
        reading = "".join((ind.comparator or "-", _number(ind.target_value), ind.target_unit or "-"))
        lines.append("indicator:" + "|".join((_cell(ind.level1), _cell(ind.level2), _cell(ind.level3),
                                              _cell(ind.target_text), reading, _number(ind.weight))))
    return lines


def _golden_amounts(line: str) -> str:
    """'amounts:total=2112.00…' with each number as _number prints it (2112.00 → 2112)."""
    head, _, rest = line.partition(":")
    parts = []
    for part in rest.split("unit=")[0].split("=")[1:]:
        value = part.rstrip("abcdefghijklmnopqrstuvwxyz")
        parts.append(value if value == "-" else f"{float(value):g}")
    keys = ("total", "fiscal", "carryover", "other")
    return f"{head}:" + "".join(f"{k}={v}" for k, v in zip(keys, parts)) + "unit=" + rest.split("unit=")[1]


@corpus
@pytest.mark.parametrize("name", GOLDEN_BUDGETS)
def test_target_tables_match_goldens(parsed, name):
    """Every cell of the target tables on the golden's pages, as printed (page images)."""
    report = parsed(name)
    for page, expected in _golden(name).items():
        found = [_rendered(target) for target in report.targets if target.source.page == page]
        assert found == expected, f"{name} p.{page}"


@corpus
@pytest.mark.parametrize("name, forms, total", [
    ("2023_moe-swu_budget", 22, 90.0), ("2026_xian-xfj_budget", 10, 90.0), ("2026_cq-qxj_budget", 2, 100.0)])
def test_weights_add_up_to_the_printed_total(parsed, name, forms, total):
    """Every form prints its 分值 total in the heading (西南大学 分值（90）, 西安 分值权重（90分）, 重庆 指标权重（%）):
    the weights of the indicator rows read add up to it on every form — none lost, none read twice, none taken from
    the next form on the page (西南大学 p.33 prints two forms)."""
    checks = [c for c in parsed(name).checks if c.name.startswith("targets.weights.")]
    assert len(checks) == forms and {(c.status, c.expected) for c in checks} == {("pass", total)}


@corpus
def test_every_target_table_of_a_budget_is_read(parsed):
    """西安 表14 (pp.33–41, one form per project) and 表15 (p.42, the department's whole): the nine projects of its
    专项业务经费 table (p.29) that have a target table, in the order printed; 表16 (p.43) is a blank form: no target."""
    report = parsed("2026_xian-xfj_budget")
    assert [(t.kind, t.name, t.source.page) for t in report.targets] == [
        ("project", "接待中心安保服务", 33), ("project", "接待中心人员办公事务", 34), ("project", "联合学院善后办工作事务", 35),
        ("project", "物业管理服务", 36), ("project", "法律顾问服务", 37), ("project", "接待中心人员信访岗位津贴", 38),
        ("project", "接待中心运维", 39), ("project", "食堂包厨服务", 40), ("project", "信访业务", 41),
        ("unit", "西安市信访局", 42)]
    # 表15's task block: 金额合计 2838.42 under 总额 and 财政拨款, 其他资金 blank (p.42) = the 说明's 全覆盖，涉及当年一般公共
    # 预算拨款2838.42万元 (p.15)
    unit = report.targets[-1]
    assert (unit.amount_total, unit.amount_fiscal, unit.amount_other, len(unit.indicators)) == (2838.42, 2838.42, None, 14)
    check = {c.name: c for c in report.checks}["narrative.performance_target_funds"]
    assert (check.status, check.expected, check.actual) == ("pass", 2838.42, 2838.42)


@corpus
def test_a_list_of_projects_cut_by_page_breaks(parsed):
    """长沙 2026年项目支出绩效目标表 (pp.22–29, a list: the title and the project's merged boxes printed again on each
    page): one target per project, its indicator rows from every page; the 合计 and unit lines are not projects."""
    report = parsed("2026_changsha-xfj_budget")
    projects = [(t.name, t.amount_total, len(t.indicators)) for t in report.targets if t.kind == "project"]
    assert [name for name, _, _ in projects] == [
        "基层及其他信访业务工作经费专项", "人民来访接待中心及特护期运行专项", "人民来访接待中心业务专项", "信访业务工作专项"]
    # p.22 合计 417.41; p.29 注：已剔除涉密部分 — the classified projects are not printed
    assert sum(amount for _, amount, _ in projects) == pytest.approx(286.91)
    first = report.targets[0]
    assert (first.indicators[0].level3, first.indicators[0].comparator, first.indicators[0].target_value,
            first.indicators[0].target_unit) == ("总成本", "<=", 35.78, "万元")  # 指标值类型 ≤, 度量单位 万元 (p.22)


@corpus
def test_goal_lists_are_targets_without_indicators(parsed):
    """深圳 第七部分 重点项目预算绩效情况说明 (pp.11–12): eight projects, the goal of 财政监督管理业务 cut by the page break
    and joined; the 说明 (p.10) states 8 projects and 26,361.57 万元, which the list adds up to (page images)."""
    report = parsed("2026_sz-czj_budget")
    assert [(t.name, t.amount_total, t.source.page) for t in report.targets] == [
        ("预决算管理业务", 18808.16, 11), ("财政综合管理业务", 2714.03, 11), ("上级转移支付项目", 2000.0, 11),
        ("财政监督管理业务", 1509.83, 11), ("信息化（财政审核）", 416.43, 12),
        ("信息化服务类项目（非运维服务部分）", 341.46, 12), ("预算准备金", 297.5, 12), ("综合管理", 274.16, 12)]
    assert report.targets[3].goal_text.endswith("促进相关行业规范和健康发展；组织对采购领域进行监督检查及考评考核，加强采购管理；"
                                                "组织其他财政监督检查，严肃财经纪律，提高财政资金的使用效率；开展财政法治能力建设。")
    checks = {c.name: c.status for c in report.checks if c.name.startswith(("narrative.performance", "targets."))}
    assert checks["narrative.performance_target_projects_count"] == "pass"
    assert checks["narrative.performance_target_funds"] == "pass"
    assert set(checks.values()) == {"pass"} and len(checks) == 10


@corpus
def test_disagreements_are_failed_checks(parsed):
    """西安 食堂包厨服务: 173.41 万元 in its target table (p.40), 1,310,300.00 元 in 表10 (p.29). 烟台: the 说明 (p.28–29)
    says 3 projects have targets; pp.30–31 print two target tables. Numbers kept as printed."""
    xian = {c.name: c for c in parsed("2026_xian-xfj_budget").checks}
    failed = xian["targets.project_amount.食堂包厨服务"]
    assert (failed.status, failed.expected, failed.actual, failed.source.page) == ("fail", 131.03, 173.41, 40)
    assert xian["targets.project_amount.接待中心安保服务"].status == "pass"
    yantai = {c.name: c for c in parsed("2026_yantai-dsjj_budget").checks}
    count = yantai["narrative.performance_target_projects_count"]
    assert (count.status, count.expected, count.actual) == ("fail", 2.0, 3.0)  # as printed (tables), as stated
    funds = yantai["narrative.performance_target_funds"]  # 6,039 stated; 6,000 + 5 printed
    assert (funds.status, funds.expected, funds.actual) == ("fail", 6005.0, 6039.0)


@pytest.mark.parametrize("text, operator, unit, expected", [
    ("≤50万元", None, None, ("<=", 50.0, "万元")),
    ("≥90%", None, None, (">=", 90.0, "%")),
    ("=24小时/日", None, None, ("=", 24.0, "小时/日")),
    ("20 门", None, None, (None, 20.0, "门")),
    ("1,000", "≥", "次数", (">=", 1000.0, "次数")),
    ("35.78", "≤", "万元", ("<=", 35.78, "万元")),
    ("按时", "定性", None, (None, None, None)),
    ("≤1次；≤1次", None, None, (None, None, None)),
    ("显著", None, None, (None, None, None)),
    (None, None, None, (None, None, None)),
])
def test_parse_target(text, operator, unit, expected):
    assert parse_target(text, operator, unit) == expected


@corpus
def test_unit_target_funds_stated_in_the_narrative(parsed):
    """长沙 (p.9): '纳入 2026 年部门整体支出绩效目标的金额为 1935.36 万元' = the 资金总额 of its 2026年部门整体支出绩效目标表
    (p.30, 1,935.36) — page images."""
    report = parsed("2026_changsha-xfj_budget")
    fact = report.fact("performance_target_unit_funds")
    assert (fact.value, fact.source.page) == (1935.36, 9)
    (unit,) = [t for t in report.targets if t.kind == "unit"]
    assert (unit.name, unit.amount_total, unit.source.page, len(unit.indicators)) == ("长沙市信访局", 1935.36, 30, 25)
    check = {c.name: c for c in report.checks}["narrative.performance_target_unit_funds"]
    assert (check.status, check.expected, check.actual) == ("pass", 1935.36, 1935.36)


@corpus
def test_the_content_fingerprint_counts_the_target_tables(parsed):
    """Two budgets that print the same tables but another indicator's 指标值 say different things: their content
    fingerprints differ; the order the target tables are printed in does not count."""
    from dataclasses import replace

    from gongkai.warehouse.content import content_fingerprint

    report = parsed("2026_xian-xfj_budget")
    first = next(t for t in report.targets if t.indicators)
    changed = replace(first, indicators=[replace(first.indicators[0], target_text="≥1%")] + first.indicators[1:])
    other = replace(report, targets=[changed if t is first else t for t in report.targets])
    reordered = replace(report, targets=list(reversed(report.targets)))
    assert content_fingerprint(other) != content_fingerprint(report)
    assert content_fingerprint(reordered) == content_fingerprint(report)


@corpus
def test_weights_printed_in_the_remarks_column(parsed):
    """长沙 pp.22 ff. print no 分值 column: the 备注 column holds the weights (总成本 20, 群众满意度 10, blank boxes
    NULL); each of the five forms' weights add up to 90 on the page images."""
    targets = parsed("2026_changsha-xfj_budget").targets
    assert [round(sum(i.weight or 0 for i in t.indicators), 6) for t in targets] == [90.0] * 5
    first = targets[0].indicators
    assert [(i.level3, i.weight) for i in (first[0], first[1], first[-1])] == [
        ("总成本", 20.0), ("无", None), ("群众满意度", 10.0)]


@corpus
def test_the_main_tasks_of_a_department_target_table(parsed):
    """西安 表15 p.42 (page image): 年度主要任务 | 主要内容 | 预算金额（万元） 总额 | 财政拨款 | 其他资金, six tasks, 其他资金
    blank, 金额合计 2,838.42 = the tasks' Σ 总额 (a passing check)."""
    report = parsed("2026_xian-xfj_budget")
    unit = next(t for t in report.targets if t.kind == "unit")
    assert [(t.name, t.amount_total, t.amount_fiscal, t.amount_other, t.source.page) for t in unit.tasks] == [
        ("保运转", 1932.81, 1932.81, None, 42), ("信访业务统筹实施", 66.38, 66.38, None, 42),
        ("信访矛盾多元化解", 121.24, 121.24, None, 42), ("驻京信访工作开展", 256.0, 256.0, None, 42),
        ("信访运转服务保障", 358.49, 358.49, None, 42), ("代管事务经办", 103.5, 103.5, None, 42)]
    assert all(not t.tasks for t in report.targets if t.kind == "project")
    check = next(c for c in report.checks if c.name == "targets.tasks.西安市信访局")
    assert (check.expected, check.actual, check.status) == (2838.42, 2838.42, "pass")
