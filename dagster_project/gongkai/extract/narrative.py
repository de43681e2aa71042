"""Figures stated in the narrative part of a report (决算情况说明) read into :class:`NarrativeFact` records.

Reading is keyword driven: a table of rules, each a pattern and what it reads, applied over the joined narrative text
(:mod:`gongkai.extract.narrative_text`). The topic of a section decides the ambiguous labels (基本支出 under
收入支出决算总体情况 is ``expenditure_basic``, under 财政拨款支出 ``appropriation_basic``). Each fact's :class:`Source`
is the line where its number is printed. Prior-year figures implied by a stated change are emitted with
``basis='comparative'`` (:mod:`gongkai.extract.narrative_changes`); figures computed from other figures with
``basis='derived'``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from gongkai.extract.narrative_blocks import read_items, read_projects
from gongkai.extract.narrative_changes import CHANGE_PATTERN, add_comparatives, read_change
from gongkai.extract.narrative_collector import NUMBER as _NUM
from gongkai.extract.narrative_collector import FactCollector
from gongkai.extract.narrative_collector import amount_group as _a
from gongkai.extract.narrative_collector import number_group as _n
from gongkai.extract.narrative_collector import percent_group as _p
from gongkai.extract.narrative_keys import COMPLETION_KEYS, SUBJECTS
from gongkai.extract.narrative_region import is_narrative_heading, narrative_lines
from gongkai.extract.narrative_text import UNKNOWN, NarrativeText, join_lines
from gongkai.extract.pattern_cache import compiled
from gongkai.extract.records import Document, NarrativeFact, ParseIssue

Handler = Callable[[FactCollector, re.Match[str]], None]


@dataclass(frozen=True, slots=True)
class _Rule:
    pattern: re.Pattern[str]
    handler: Handler
    topics: frozenset[str] | None = None  # None: anywhere
    excluded: tuple[str, ...] = ()  # words that must not come just before the match

    def applies(self, text: NarrativeText, match: re.Match[str]) -> bool:
        start = match.start()
        if any(text.text.endswith(word, 0, start) for word in self.excluded):
            return False
        return self.topics is None or text.topic(start) in self.topics


_LEADING_EXCLUSION = compiled(r"^\(\?<!([^()]+)\)")


def _rule(pattern: str, handler: Handler, topics: frozenset[str] | None = None) -> _Rule:
    """A rule; leading ``(?<!word)`` guards are checked in Python so the regex keeps a literal prefix (fast search)."""
    excluded: list[str] = []
    while found := _LEADING_EXCLUSION.match(pattern):
        excluded.append(found.group(1))
        pattern = pattern[found.end():]
    return _Rule(compiled(pattern), handler, topics, tuple(excluded))


def _amount_rule(key: str, label: str, topics: str | None = None, qualifier: str | None = None) -> _Rule:
    """``label`` followed by an amount → ``key``."""
    def handle(c: FactCollector, m: re.Match[str]) -> None:
        if c.claim(m, "v"):
            c.amount(key, m, "v", qualifier)
    return _rule(f"{label}(?:为|是|共计|合计)?{_a('v')}", handle, _topics(topics))


def _number_rule(key: str, pattern: str, unit: str, topics: str | None = None) -> _Rule:
    """A pattern with one number group ``v`` → ``key`` with ``unit`` (counts, percentages, scores)."""
    def handle(c: FactCollector, m: re.Match[str]) -> None:
        if c.claim(m, "v"):
            c.number(key, m, "v", unit)
    return _rule(pattern, handle, _topics(topics))


def _topics(names: str | None) -> frozenset[str] | None:
    return frozenset(names.split() + [UNKNOWN]) if names else None


def _by_topic(keys: dict[str, str], label: str) -> _Rule:
    """An amount whose key depends on the section topic (基本支出 / 项目支出)."""
    def handle(c: FactCollector, m: re.Match[str]) -> None:
        topic = c.text.topic(m.start())
        key = keys.get(topic) or keys.get(_anchor_topic(c.text.text, m.start()) if topic == UNKNOWN else "")
        if key and c.claim(m, "v"):
            c.amount(key, m, "v")
    return _rule(f"(?<!拨款){label}(?:为)?{_a('v')}", handle)


def _anchor_topic(text: str, offset: int) -> str:
    """For text without section headings: the topic of the nearest total named before ``offset``."""
    window = text[max(0, offset - 400): offset]
    appropriation = window.rfind("财政拨款支出")
    overall = max(window.rfind("支出总计"), window.rfind("本年支出合计"))
    if appropriation < 0 and overall < 0:
        return ""
    return "appropriation" if appropriation > overall else "income_expenditure"


def _pair(keys: tuple[str, ...], groups: tuple[str, ...], units: tuple[str, ...]) -> Handler:
    """Several numbers of one match, each to its key; amounts have unit 万元."""
    def handle(c: FactCollector, m: re.Match[str]) -> None:
        if not c.claim(m, *groups):
            return
        for key, group, unit in zip(keys, groups, units):
            if unit == "万元":
                c.amount(key, m, group)
            else:
                c.number(key, m, group, m.groupdict().get(f"{group}_pu") or unit)
    return handle


def _income_and_expenditure_total(c: FactCollector, m: re.Match[str]) -> None:
    """收入支出总计 (Shanghai wording): the two totals are equal by definition."""
    if c.claim(m, "v"):
        c.amount("income_total", m, "v")
        c.amount("expenditure_total", m, "v")


def _budget_and_actual(c: FactCollector, m: re.Match[str]) -> None:
    """'<subject>年初预算为 X 万元，支出决算为 Y 万元' for 三公 or the general budget."""
    subject = _clause_before(c.text.text, m.start())
    if "三公" in subject:
        keys = ("three_public_budget", "three_public_total")
    elif "一般公共预算财政拨款" in subject:
        keys = ("general_budget_initial_budget", "general_budget_expenditure")
    else:
        return
    if c.claim(m, "b", "v"):
        c.amount(keys[0], m, "b")
        c.amount(keys[1], m, "v")


def _completion(c: FactCollector, m: re.Match[str]) -> None:
    """完成(年初)预算的 X%: of the figure named in the clause, else of the last amount read in the section."""
    if m.start("v") in c.claimed:
        return
    subject = _clause_before(c.text.text, m.start())
    topic = c.text.topic(m.start())
    key = None
    if topic in ("appropriation", UNKNOWN) and subject.endswith(("基本支出", "项目支出")):
        key = "appropriation_basic" if subject.endswith("基本支出") else "appropriation_project"
    elif subject:
        key = next((keys[0] for word, keys in SUBJECTS if word in subject and keys[0] in COMPLETION_KEYS), None)
    if key is None:
        key = c.last_amount(m.start(), c.text.section_start(m.start()), frozenset(COMPLETION_KEYS))
    if key is None or key not in COMPLETION_KEYS:
        c.issues.append(ParseIssue("info", "narrative_unassigned", f"completion {m.group(0)} not assigned",
                                   c.text.source(m.start("v"))))
        return
    if c.claim(m, "v"):
        c.number(COMPLETION_KEYS[key], m, "v", "%")


def _clause_before(text: str, offset: int) -> str:
    """The words of the clause that ends at ``offset`` (back to the previous ，。；：)."""
    start = max(text.rfind(sep, 0, offset) for sep in "，。；：,;:")
    return text[start + 1: offset]


# --- the rule table ------------------------------------------------------------------------------------------------

_Q = r"[“\"”]?"  # an optional quotation mark around 三公


def _vehicle_type(c: FactCollector, m: re.Match[str]) -> None:
    """车辆 by type (机要通信用车 1 辆 …); the name as printed."""
    name = m.group("name").removeprefix("其中")
    if len(name) < 3 or any(word in name for word in ("公务用车", "购置", "保有")):
        return
    if c.claim(m, "v"):
        c.number("vehicles_by_type", m, "v", "辆", name)


def _class_amount(c: FactCollector, m: re.Match[str]) -> None:
    name = m.group("name")
    if name in ("基本支出", "项目支出") or name.endswith(("基本支出", "项目支出")) or "财政拨款" in name:
        return
    if c.claim(m, "v", "s"):
        c.amount("general_budget_class_amount", m, "v", name)
        c.number("general_budget_class_share_pct", m, "s", "%", name)


RULES: tuple[_Rule, ...] = (
    # 收入
    _rule(f"(?<!拨款)收入、?支出(?:决算)?总计(?:为|是|共计)?{_a('v')}", _income_and_expenditure_total),
    _amount_rule("appropriation_total", "财政拨款收入、?支出(?:决算)?总计"),
    _amount_rule("income_total", "(?<!支出)收入总计"),
    _amount_rule("income_current_year", "本年收入合计"),
    _amount_rule("income_general_budget", "一般公共预算财政拨款收入"),
    _amount_rule("income_government_fund", "政府性基金预算财政拨款收入"),
    _amount_rule("income_state_capital", "国有资本经营预算财政拨款收入"),
    _amount_rule("income_fiscal_appropriation", "(?<!预算)财政拨款收入"),
    _amount_rule("income_superior_subsidy", "上级补助收入"),
    _amount_rule("income_public_service", "事业收入"),
    _amount_rule("income_business", "经营收入"),
    _amount_rule("income_affiliated_remittance", "附属单位上缴收入"),
    _amount_rule("income_other", "其他收入"),
    _amount_rule("non_appropriation_surplus_used", "使用非财政拨款结余(?:（含专用结余）)?"),
    # a report's carry-overs, not a fund's own (政府性基金预算财政拨款年初结转和结余 under 七、)
    _amount_rule("carryover_begin", "(?:上年|年初)结转和?结余", "income_expenditure appropriation general_budget"),
    # 支出
    _amount_rule("expenditure_total", "(?<!收入)(?<!拨款)支出总计"),
    _amount_rule("expenditure_current_year", "本年支出合计"),
    _by_topic({"income_expenditure": "expenditure_basic", "appropriation": "appropriation_basic"}, "基本支出"),
    _by_topic({"income_expenditure": "expenditure_project", "appropriation": "appropriation_project"}, "项目支出"),
    _amount_rule("expenditure_remittance_to_superior", "上缴上级支出"),
    _amount_rule("expenditure_business", "(?<!核算)经营支出"),
    _amount_rule("expenditure_subsidy_to_affiliates", "对附属单位补助支出"),
    _amount_rule("basic_wages", "工资福利支出"),
    _amount_rule("basic_goods_services", "商品和服务支出"),
    _amount_rule("basic_household_subsidy", "对个人和家庭的?补助(?:支出)?"),
    _amount_rule("basic_capital", "资本性支出"),
    _amount_rule("carryover_end", "年末结转和?结余", "income_expenditure appropriation general_budget"),
    # 财政拨款
    _amount_rule("appropriation_expenditure", "(?<!预算)(?<!经费)财政拨款支出(?:决算)?(?:总额|总计)?"),  # not “三公”经费财政拨款支出
    _amount_rule("general_budget_expenditure", "一般公共预算财政拨款支出(?:决算)?"),
    _Rule(compiled(f"年初预算(?:数)?为{_a('b')}[，,](?:支出)?决算(?:数)?为{_a('v')}"), _budget_and_actual),
    _Rule(compiled(f"(?:完成|占)(?:年初|全年)?预算(?:数)?的{_p('v')}"), _completion),
    _Rule(compiled(f"(?<=[：:；;。，,])(?:\\d+[.．、])?(?P<name>[^\\d（）。；;，,：:、]{{2,30}}?支出)(?:（类）)?{_a('v')}"
                     f"(?:[，,]占(?:[^，,；;。\\d]{{0,12}}?的)?{_p('s')})?"),
          _class_amount, _topics("general_budget")),
    # 三公
    _amount_rule("three_public_total", f"三公{_Q}经费(?:财政拨款)?支出(?:决算(?:数)?)?", "three_public"),
    _amount_rule("three_public_overseas_travel", "因公出国（境）费(?:支出)?(?:决算(?:数)?)?", "three_public"),
    _amount_rule("three_public_reception", "(?<!国内)(?<!外事)公务接待费(?:支出)?(?:决算(?:数)?)?", "three_public"),
    _amount_rule("three_public_vehicle_total", "公务用车购置及运行(?:维护)?(?:费|支出)(?:支出)?(?:决算(?:数)?)?",
                 "three_public"),
    # 购置费 / 购置支出, 运行维护费 / 运行及维护支出 (without 费)
    _amount_rule("three_public_vehicle_purchase", "公务用车购置(?:费|支出)(?:支出)?", "three_public"),
    _amount_rule("three_public_vehicle_operation", "公务用车运行(?:及)?(?:维护)?(?:费|支出)(?:支出)?", "three_public"),
    _Rule(compiled(f"团组{_n('g')}个[，,、]?(?:累计)?{_n('p')}(?P<p_pu>人次|人)"),
          _pair(("outbound_groups", "outbound_persons"), ("g", "p"), ("个", "人次"))),
    _rule(f"(?<!外事)接待(?:累计)?{_n('g')}批次[，,、]?(?:累计)?{_n('p')}(?P<p_pu>人次|人)",
          _pair(("reception_batches", "reception_persons"), ("g", "p"), ("批次", "人"))),
    _Rule(compiled(f"外事接待(?:累计)?{_n('g')}批次[，,、]?{_n('p')}(?P<p_pu>人次|人)(?:[，,、]{_a('v')})?"),
          _pair(("foreign_reception_batches", "foreign_reception_persons", "foreign_reception_amount"),
                ("g", "p", "v"), ("批次", "人", "万元"))),
    _Rule(compiled(f"国外来访团组{_n('g')}个[，,、]?(?:来访)?外宾{_n('p')}(?P<p_pu>人次|人)"),
          _pair(("foreign_reception_batches", "foreign_reception_persons"), ("g", "p"), ("批次", "人"))),
    _rule(f"国内接待{_n('g')}(?:批次|次)[，,、]?接待人数(?:共)?{_n('p')}(?P<p_pu>人次|人)",
          _pair(("reception_batches", "reception_persons"), ("g", "p"), ("批次", "人"))),
    _number_rule("vehicles_purchased", f"购置公务用车{_n('v')}辆", "辆"),
    _number_rule("vehicles_operated", f"保有量(?:为)?{_n('v')}辆", "辆"),
    # 基本支出
    _amount_rule("basic_appropriation", "一般公共预算财政拨款基本支出(?:决算)?"),
    _amount_rule("personnel_expenditure", "人员经费(?:支出)?"),
    _amount_rule("public_expenditure", "(?<!日常)公用经费(?:支出)?"),
    _amount_rule("agency_operating_cost", "机关运行经费(?:支出)?"),
    # 政府采购
    _amount_rule("procurement_total", "政府采购(?:支出)?(?:总额|金额|合计)(?:（[^（）]{1,12}）)?"),
    _amount_rule("procurement_goods", "货物(?:采购)?(?:支出|金额)", "procurement"),
    _amount_rule("procurement_works", "工程(?:采购)?(?:支出|金额)", "procurement"),
    _amount_rule("procurement_services", "(?<!和)服务(?:采购)?(?:支出|金额)", "procurement"),
    _Rule(compiled(f"授予中小企业合同(?:金额)?{_a('v')}[，,]占(?:政府采购)?支出总额的{_p('s')}"),
          _pair(("sme_amount", "sme_share_pct"), ("v", "s"), ("万元", "%"))),
    _Rule(compiled(f"授予小微企业合同(?:金额)?{_a('v')}[，,]占中小企业(?:采购)?(?:支出)?总额的{_p('s')}"),
          _pair(("small_micro_amount", "small_micro_share_pct"), ("v", "s"), ("万元", "%"))),
    _number_rule("sme_share_goods_pct", f"货物采购授予中小企业合同金额占货物(?:采购)?支出(?:金额)?的{_p('v')}", "%"),
    _number_rule("sme_share_works_pct", f"工程采购授予中小企业合同金额占工程(?:采购)?支出(?:金额)?的{_p('v')}", "%"),
    _number_rule("sme_share_services_pct", f"服务采购授予中小企业合同金额占服务(?:采购)?支出(?:金额)?的{_p('v')}", "%"),
    _amount_rule("sme_reserved_amount", "面向中小企业预留(?:的)?(?:政府采购)?项目预算(?:金额)?"),
    _amount_rule("small_micro_reserved_amount", "面向小微企业预留(?:的)?(?:政府采购)?项目预算(?:金额)?"),
    _amount_rule("sme_won_in_reserved",
                 "面向中小企业预留的?(?:政府采购)?项目中[，,]由中小企业供应商中标或成交的[，,]采购金额"),
    _amount_rule("small_micro_won_in_reserved",
                 "面向小微企业预留的?(?:政府采购)?项目中[，,]由小微企业供应商中标或成交的[，,]采购金额"),
    _amount_rule("sme_won_outside_reserved", "其他政府采购项目中[，,]由中小企业供应商中标或成交的[，,]采购金额"),
    # 国有资产
    _number_rule("vehicles_total", f"共有(?:各类)?车辆{_n('v')}辆", "辆"),
    _Rule(compiled(f"(?<=[：:，,、；;])(?P<name>[^\\d：:，,、；;。]{{2,14}}?用车){_n('v')}辆"), _vehicle_type,
          _topics("assets")),
    _number_rule("equipment_over_1m",
                 f"单(?:价|位价值)(?:在)?100万元(?:（含）)?以上(?:的)?(?:专用)?设备(?:（不含车辆）)?(?:共)?{_n('v')}"
                 f"(?:台（套）|台|套)", "台（套）"),
    # 预算绩效
    _number_rule("performance_projects_count", f"(?:涉及预算支出项目|绩效自评的?(?:\\d{{4}}年度?)?项目){_n('v')}个",
                 "个"),
    _number_rule("performance_projects_general_budget_count", f"一般公共预算项目{_n('v')}个", "个"),
    _amount_rule("performance_project_funds", "(?<!整体绩效自评，)涉及资金"),
    _number_rule("performance_coverage_pct", f"自评覆盖率(?:（[^（）]*）)?(?:达到|为)?{_p('v')}", "%"),
    _Rule(compiled(f"对{_n('n')}个(?:单位|部门)开展[^。]{{0,24}}?整体绩效自评[，,]涉及(?:一般公共预算)?(?:支出|资金)"
                     f"{_a('v')}"),
          _pair(("performance_units_count", "performance_unit_funds"), ("n", "v"), ("个", "万元"))),
    _amount_rule("performance_project_funds", f"绩效自评的?(?:\\d{{4}}年度?)?项目(?:{_NUM})个[，,]涉及(?:预算)?(?:金额|资金)"),
    _number_rule("performance_average_score", f"平均(?:得)?分(?:为)?{_n('v')}分", "分"),
    # 年度变化
    _Rule(CHANGE_PATTERN, read_change),
)


# --- derived facts ---------------------------------------------------------------------------------------------------


def _derived_procurement(c: FactCollector) -> None:
    """Shanghai wording → Liaoning keys: SME amount = won inside + outside the reserved projects; its share."""
    inside, outside = c.get("sme_won_in_reserved"), c.get("sme_won_outside_reserved")
    if inside is None or outside is None:
        return
    offset = c.offsets[("sme_won_outside_reserved", None)]
    if c.get("sme_amount") is None and c.index.get(("derived:sme_amount", None)) is None:
        amount = round(inside.value + outside.value, 6)
        c.add("sme_amount", amount, "万元", f"{inside.value:.2f} + {outside.value:.2f}", offset, basis="derived")
        total = c.get("procurement_total")
        if total is not None and total.value > 0 and c.get("sme_share_pct") is None:
            share = round(amount / total.value * 100, 2)
            c.add("sme_share_pct", share, "%", f"{amount:.2f} / {total.value:.2f} × 100", offset, basis="derived")


# --- entry point -------------------------------------------------------------------------------------------------------

_YEAR = compiled(r"(\d{4})年度?(?:部门)?决算")


def infer_year(text: str) -> int | None:
    """The report year from the narrative heading ('2024 年度部门决算情况说明')."""
    found = _YEAR.search(text[:400])
    return int(found.group(1)) if found else None


def _matches(text: NarrativeText) -> Iterator[tuple[int, int, _Rule, re.Match[str]]]:
    everywhere = [(0, len(text.text))]
    for priority, rule in enumerate(RULES):
        for start, end in everywhere if rule.topics is None else text.ranges(rule.topics):
            for match in rule.pattern.finditer(text.text, start, end):
                if rule.applies(text, match):
                    yield match.end(), priority, rule, match


def read_narrative_facts(document: Document, fiscal_year: int | None) -> tuple[list[NarrativeFact], list[ParseIssue]]:
    """Read the figures of the narrative (决算情况说明) of ``document``.

    Returns the facts in reading order (then comparatives and derived facts) and the issues met. ``fiscal_year`` is
    the report year; when None it is taken from the narrative heading if printed there.
    """
    lines = narrative_lines(document.lines)
    if not lines:
        return [], [ParseIssue("warning", "narrative_not_found", "no narrative part (决算情况说明) found")]
    text = join_lines(lines, document.file)
    year = fiscal_year if fiscal_year is not None else infer_year(text.text)
    collector = FactCollector(text, year)
    if not is_narrative_heading(lines[0].text):
        collector.issues.append(ParseIssue(
            "info", "narrative_heading_not_found",
            "no 决算情况说明 heading: read from the start of the document to the first table or 名词解释",
            lines[0].source(document.file)))
    read_items(collector)
    read_projects(collector)
    for _, _, rule, match in sorted(_matches(text), key=lambda t: (t[0], t[1])):
        rule.handler(collector, match)
    add_comparatives(collector)
    _derived_procurement(collector)
    return collector.in_reading_order(), collector.issues
