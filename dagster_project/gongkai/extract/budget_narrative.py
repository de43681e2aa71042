"""Figures a budget's narrative (预算情况说明) states, read into :class:`NarrativeFact` records of the budget year.

- 三公: '2024年“三公”经费预算数为47.91万元，比2023年预算增加25万元' → three_public_budget 47.91 (2024), the stated change
  three_public_budget_change_amount +25 and, derived from them, last year's budget (basis 'derived', 2023).
- 机关运行经费: '2026 年本单位机关运行经费财政拨款预算 2,719.55 万元，较 2025 年年初预算减少 956.74 万元' →
  agency_operating_cost_budget, its change and last year's (derived), as for 三公.
- 政府采购: '政府采购预算1662.44万元，其中：政府采购货物预算93.98万元、…工程…、…服务…' → procurement_budget and
  procurement_{goods,works,services}_budget; the amounts reserved for SMEs (面向中小企业预留) where stated.
- 绩效目标: the sentence on 绩效目标管理 → performance_target_projects_count, performance_target_funds and, where it
  says every project is covered (全覆盖, 均实行, 所有项目, 全面实施), performance_target_coverage_pct 100;
  '纳入2026年部门整体支出绩效目标的金额为1935.36万元' → performance_target_unit_funds.
- 收入预算: '2026 年度收入预算 32852.05 万元 … 1.一般公共预算拨款收入 32365.09 万元。… 9.其他收入 15 万元。' →
  income_budget and, per source (qualifier: the source's canonical name, the names of the 收支总表's income lines read
  by BUDGET_SUMMARY_ITEMS), income_source_budget; read from the total to the 支出预算 that follows (北京 prints its
  tables in a file of its own: its income by source is this).
- 国有资产占用: vehicles held (共有车辆 N 辆; the stock at the end of the year before), vehicles the budget buys
  (安排购置车辆 N 辆) and equipment above a unit value (单价 100 万元以上设备 N 台, qualifier '100万元以上').

The whole document is read as one compact text (:func:`join_lines`: whitespace removed, so a sentence wrapped over
lines reads the same); each fact's source is the line its number is printed on. Amounts are in 万元 as printed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from gongkai.extract.budget_families import BUDGET_SUMMARY_ITEMS
from gongkai.extract.lazy_pattern import lazy_pattern
from gongkai.extract.narrative_text import join_lines
from gongkai.extract.records import Document, NarrativeFact
from gongkai.extract.row_items import match_item

_NUMBER = r"\d[\d,]*(?:\.\d+)?"
_YEAR = r"(?:19|20)\d{2}"
_STATED_YEAR = lazy_pattern(rf"({_YEAR})年度?[^，,。；;\d]{{0,30}}$")
_CHANGE = (rf"(?:[，,]?(?:比|较|与)(?:上年|{_YEAR}年度?)(?:年初)?(?:预算)?(?:数)?(?:相比)?"
           rf"(?:(?P<direction>增加|减少|增长|下降|上升)(?P<change>{_NUMBER})万元"
           rf"(?:[，,](?:增加|减少|增长|下降|上升)(?P<pct>{_NUMBER})[%％])?|(?P<same>持平)))?")
_UP = ("增加", "增长", "上升")

_THREE_PUBLIC = lazy_pattern(
    rf"(?P<year>{_YEAR})年度?(?:一般公共预算|财政拨款)*(?:拨款)?(?:安排的)?[“\"]?三公[”\"]?经费"
    rf"(?:支出)?预算(?:数|总额)?(?:为|共计|合计)?(?P<value>{_NUMBER})万元" + _CHANGE)
_AGENCY = lazy_pattern(rf"(?:机关|拨款)运行经费[^，,。；;：:\d（(]{{0,12}}?(?:为|共计)?(?P<value>{_NUMBER})万元" + _CHANGE)
_PROCUREMENT = lazy_pattern(rf"政府采购(?:支出)?(?:预算|安排|项目共有)(?:总金额|总额|金额)?(?:为|共计|共)?(?P<value>{_NUMBER})万元")
_PROCUREMENT_PART = lazy_pattern(
    rf"(?:政府采购|拟采购|拟购买)?(?P<kind>货物|工程|服务)类?(?:采购|项目)?(?:预算|支出)?(?:为)?(?P<value>{_NUMBER})万元")
_PROCUREMENT_KINDS = {"货物": "procurement_goods_budget", "工程": "procurement_works_budget",
                      "服务": "procurement_services_budget"}
_RESERVED = (
    ("procurement_sme_reserved_budget",
     lazy_pattern(rf"面向中小企业预留的?政府采购项目预算(?:金额)?(?:为)?(?P<value>{_NUMBER})万元")),
    ("procurement_small_micro_reserved_budget",
     lazy_pattern(rf"预留给小型和微型企业的政府采购项目预算(?:金额)?(?:为)?(?P<value>{_NUMBER})万元")),
)
_TARGET_ANCHOR = lazy_pattern(r"绩效目标管理|编报绩效目标|纳入部门预算绩效管理")
_TARGET_COUNT = lazy_pattern(r"(?P<value>\d+)个(?:一级)?(?:预算)?项目|项目(?:共)?(?P<value2>\d+)个")
_TARGET_FUNDS = lazy_pattern(rf"(?:涉及[^，,。；;\d]{{0,14}}?|预算资金)(?P<value>{_NUMBER})万元")
# 纳入2026年部门整体支出绩效目标的金额为1935.36万元: the funds the department's whole target (部门整体) covers
_UNIT_TARGET_FUNDS = lazy_pattern(
    rf"纳入(?:{_YEAR}年度?)?部门整体(?:支出)?绩效目标的?(?:金额|资金)(?:为|共计)?(?P<value>{_NUMBER})万元")
_FULL_COVERAGE = lazy_pattern(r"全覆盖|均实行|均已|所有项目|全部项目|全面实施")
_VEHICLES = lazy_pattern(r"(?:共有(?:各类)?(?:车辆|公务用车)|[，,、：:]车辆)(?P<value>\d+)(?:辆|台)")
_VEHICLES_BOUGHT = lazy_pattern(r"(?:安排购置|新增配置|拟购置)(?:车辆|公务用车)(?P<value>\d+)辆")
_EQUIPMENT = lazy_pattern(r"单(?:价|位价值)在?(?P<threshold>\d+)万元(?:（含）)?以上的?(?:专用)?(?:大型)?设备"
                          r"(?:（不含车辆）)?(?P<value>\d+)(?:台|件|套)")
_BUYING = ("购置", "新增配备", "配置")
_INCOME = lazy_pattern(rf"收入预算(?:总额|总计|合计)?(?:为|共计)?(?P<value>{_NUMBER})万元")
_INCOME_END = lazy_pattern(r"支出预算")
_INCOME_LINE = lazy_pattern(
    rf"(?:[（(][一二三四五六七八九十]{{1,3}}[)）]|\d{{1,2}}[.．、])(?P<name>[^\d。，,；;：:、（）()]{{2,20}}?)"
    rf"(?P<value>{_NUMBER})万元")
_STATED_AS = lazy_pattern(r"(?:预算)?数?(?:为|共计|安排)?$")  # 一般公共预算收入预算数为 …: the name is what comes before
_PAGE_NUMBER = lazy_pattern(r"^[\s\-—–－]*\d{1,3}[\s\-—–－]*$")  # '- 7 -', '— 27 —' between two halves of a sentence


class _Reader:
    """The budget's compact text and the facts read from it, one per key (and qualifier), the first stated."""

    def __init__(self, document: Document, fiscal_year: int | None):
        lines = [line for line in document.lines if not _PAGE_NUMBER.match(line.text)]
        self.text = join_lines(lines, document.file)
        self.year = fiscal_year
        self.facts: list[NarrativeFact] = []
        self.keys: set[tuple[str, str | None]] = set()

    def add(self, key: str, match: re.Match[str], group: str = "value", unit: str = "万元",
            qualifier: str | None = None) -> None:
        if (key, qualifier) in self.keys or match.group(group) is None:
            return
        self.keys.add((key, qualifier))
        value = float(match.group(group).replace(",", ""))
        self.facts.append(NarrativeFact(key, value, unit, match.group(0), self.year,
                                        self.text.source(match.start(group)), qualifier=qualifier))

    def in_budget_year(self, match: re.Match[str]) -> bool:
        """No year is printed just before the figure, or the year printed is the budget's."""
        stated = _STATED_YEAR.search(self.text.text, max(0, match.start() - 40), match.start())
        return stated is None or self.year is None or int(stated.group(1)) == self.year


def read_budget_narrative(document: Document, fiscal_year: int | None) -> list[NarrativeFact]:
    """The figures of the budget's narrative: 三公, 机关运行经费, 政府采购, 绩效目标 and 国有资产占用."""
    reader = _Reader(document, fiscal_year)
    _read_three_public(reader)
    _read_agency_operating_cost(reader)
    _read_procurement(reader)
    _read_income_sources(reader)
    _read_performance_targets(reader)
    _read_assets(reader)
    return reader.facts


def _read_three_public(reader: _Reader) -> None:
    for found in _THREE_PUBLIC.finditer(reader.text.text):
        if reader.year is None or int(found.group("year")) == reader.year:
            _with_change(reader, "three_public_budget", found)
            return


def _read_agency_operating_cost(reader: _Reader) -> None:
    for found in _AGENCY.finditer(reader.text.text):
        if reader.in_budget_year(found) and "决算" not in found.group(0):
            _with_change(reader, "agency_operating_cost_budget", found)
            return


def _with_change(reader: _Reader, key: str, found: re.Match[str]) -> None:
    """The figure, its stated change against last year (万元, and % where stated) and, derived from them, last year's
    figure."""
    reader.add(key, found)
    if found.group("same"):
        change = 0.0
    elif found.group("change"):
        change = float(found.group("change").replace(",", "")) * (1 if found.group("direction") in _UP else -1)
    else:
        return
    budget = reader.facts[-1]
    # 'than last year': a printed prior year that is not year - 1 is a typo of the source
    prior_year = budget.fiscal_year - 1 if budget.fiscal_year is not None else None
    reader.facts.append(NarrativeFact(f"{key}_change_amount", change, "万元", found.group(0), budget.fiscal_year,
                                      budget.source))
    if found.group("pct"):  # 增长 129.97%: checked against the change and last year's figure
        pct = float(found.group("pct").replace(",", "")) * (1 if change >= 0 else -1)
        reader.facts.append(NarrativeFact(f"{key}_change_pct", pct, "%", found.group(0), budget.fiscal_year,
                                          reader.text.source(found.start("pct"))))
    reader.facts.append(NarrativeFact(key, round(budget.value - change, 6), "万元", found.group(0), prior_year,
                                      budget.source, basis="derived"))


def _read_procurement(reader: _Reader) -> None:
    """The 政府采购 budget and its parts by kind, read up to the end of the sentence that follows the total."""
    text = reader.text.text
    for found in _PROCUREMENT.finditer(text):
        if not reader.in_budget_year(found):
            continue
        reader.add("procurement_budget", found)
        stop = text.find("。", found.end() + 1)
        for part in _PROCUREMENT_PART.finditer(text, found.end(), stop if stop >= 0 else len(text)):
            reader.add(_PROCUREMENT_KINDS[part.group("kind")], part)
        break
    for key, pattern in _RESERVED:
        if (found := pattern.search(text)) is not None:
            reader.add(key, found)


def _read_income_sources(reader: _Reader) -> None:
    """The budget's income and its numbered lines by source, from the income total to the 支出预算 after it."""
    text = reader.text.text
    for found in _INCOME.finditer(text):
        if not reader.in_budget_year(found):
            continue
        reader.add("income_budget", found)
        end = _INCOME_END.search(text, found.end())
        stop = end.start() if end is not None else min(len(text), found.end() + 800)
        for line in _INCOME_LINE.finditer(text, found.end(), stop):
            source = income_source(line.group("name"))
            if source is not None:
                reader.add("income_source_budget", line, qualifier=source)
        return


def income_source(name: str) -> str | None:
    """The canonical source of funds a printed income line names (一般公共预算拨款收入 → general_budget …)."""
    item = match_item(_STATED_AS.sub("", name), BUDGET_SUMMARY_ITEMS)
    if item is None or item not in _SOURCE_ITEMS:
        return None
    return item.removesuffix("_appropriation") if item != "fiscal_appropriation" else item


_SOURCE_ITEMS = ("general_budget_appropriation", "government_fund_appropriation", "state_capital_appropriation",
                 "fiscal_appropriation", "fiscal_special_account", "superior_subsidy", "public_service_revenue",
                 "business_revenue", "affiliated_remittance", "other_revenue", "carryover_begin",
                 "non_appropriation_surplus_used")


def _read_performance_targets(reader: _Reader) -> None:
    """绩效目标: the first sentence on 绩效目标管理 that gives a project count or the funds it covers, and the funds of
    the department's whole target where stated."""
    text = reader.text.text
    if (unit_funds := _UNIT_TARGET_FUNDS.search(text)) is not None:
        reader.add("performance_target_unit_funds", unit_funds)
    for start, end in _target_sentences(text):
        count, funds = _TARGET_COUNT.search(text, start, end), _TARGET_FUNDS.search(text, start, end)
        if count is None and funds is None:
            continue
        if count is not None:
            reader.add("performance_target_projects_count", count, "value" if count.group("value") else "value2",
                       unit="个")
        if funds is not None:
            reader.add("performance_target_funds", funds)
        if (full := _FULL_COVERAGE.search(text, start, end)) is not None:
            reader.keys.add(("performance_target_coverage_pct", None))
            reader.facts.append(NarrativeFact("performance_target_coverage_pct", 100.0, "%", text[start:end],
                                              reader.year, reader.text.source(full.start())))
        return


def _target_sentences(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence around a mention of 绩效目标管理, at most 80 characters before it and 120 after."""
    for anchor in _TARGET_ANCHOR.finditer(text):
        start = max(text.rfind("。", 0, anchor.start()) + 1, anchor.start() - 80)
        stop = text.find("。", anchor.end())
        yield start, min(stop if stop >= 0 else len(text), anchor.end() + 120)


def _read_assets(reader: _Reader) -> None:
    """国有资产占用: vehicles held and bought, equipment above a unit value (held, not bought)."""
    text = reader.text.text
    if (found := _VEHICLES.search(text)) is not None:
        reader.add("vehicles_total", found, unit="辆")
    if (found := _VEHICLES_BOUGHT.search(text)) is not None:
        reader.add("vehicles_budgeted_purchase", found, unit="辆")
    for found in _EQUIPMENT.finditer(text):
        if not any(word in text[max(0, found.start() - 8): found.start()] for word in _BUYING):
            reader.add("equipment_count", found, unit="台（套）", qualifier=f"{found.group('threshold')}万元以上")
