"""The labelled items a table's rows can be (本年收入合计, 一般公共预算财政拨款收入, 公务用车购置费 …): patterns tried in
order on a row's name, its numbering (一、, 1., 其中：) off."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.extract.lazy_pattern import lazy_pattern
from gongkai.extract.text import squeeze


@dataclass(frozen=True, slots=True)
class ItemPatterns:
    """(item key, label pattern) pairs, tried in order, and one pattern matching where any of them does: most labels
    (the 类 lines of a summary table) name no item, and one search tells so."""

    items: tuple[tuple[str, re.Pattern[str]], ...]
    any_item: re.Pattern[str]


def item_patterns(*items: tuple[str, str]) -> ItemPatterns:
    return ItemPatterns(tuple((key, lazy_pattern(expr)) for key, expr in items),
                        lazy_pattern("|".join(f"(?:{expr})" for _, expr in items)))


# The parts of 三公 (用车 购置 / 运行维护, 出国, 接待; 会议费 and 培训费 where a province prints them), most specific
# first: the rows of the 三公 table and of the supplementary tables that print them too.
THREE_PUBLIC_PARTS: tuple[tuple[str, str], ...] = (
    ("vehicle_total", r"购置及运行"),
    ("vehicle_operation", r"运行(维护)?费"),
    ("vehicle_purchase", r"购置费"),
    ("vehicle_total", r"公务用车"),
    ("overseas_travel", r"出国"),
    ("reception", r"接待"),
    ("meeting", r"会议费"),
    ("training", r"培训费"),
)

THREE_PUBLIC_ITEMS: ItemPatterns = item_patterns(*THREE_PUBLIC_PARTS, ("total", r"^合计|三公.*经费$|^小计"))

SUMMARY_ITEMS: ItemPatterns = item_patterns(
    ("general_budget_appropriation", r"一般公共预算财政拨款(收入)?$"),
    ("fiscal_appropriation", r"^财政拨款收入$"),
    ("government_fund_appropriation", r"政府性基金预算财政拨款(收入)?$"),
    ("state_capital_appropriation", r"国有资本经营(预算)?财政拨款(收入)?$"),
    ("superior_subsidy", r"上级补助收入$"),
    ("public_service_revenue", r"事业收入$"),
    ("business_revenue", r"经营收入$"),
    ("affiliated_remittance", r"附属单位上缴收入$"),
    ("other_revenue", r"其他收入$"),
    ("income_total", r"本年收入合计$"),
    ("expenditure_total", r"本年支出合计$"),
    ("non_appropriation_surplus_used", r"使用非财政拨款结余|用事业基金弥补收支差额"),
    ("surplus_distribution", r"结余分配$"),
    ("carryover_begin", r"(年初|上年)(财政拨款)?结转和结余$"),
    ("carryover_end", r"年末(财政拨款)?结转和结余$"),
    ("grand_total", r"总计$|^合计$"),
)


_ITEM_NUMBERING = lazy_pattern(r"^[一二三四五六七八九十]+、|^\d+[.．、]|^其中[:：]?|^[（(]\d+[）)]")


def match_item(label: str, items: ItemPatterns) -> str | None:
    compact = _ITEM_NUMBERING.sub("", squeeze(label))
    if not items.any_item.search(compact):
        return None
    for key, pattern in items.items:
        if pattern.search(compact):
            return key
    return None
