"""Blocks of a narrative read as a whole: function-code items (类/款/项) of the general budget and per-project
self-evaluation summaries (项目自评综述)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from gongkai.extract.narrative_collector import FactCollector, amount_group, number_group, percent_group
from gongkai.extract.narrative_text import UNKNOWN, NarrativeText
from gongkai.extract.pattern_cache import compiled

_NUMBER_PREFIX = compiled(r"^(?:[（(]\d+[）)]|\d+[、.．])")

_NAME = r"(?:[^（）。；，：\d]|（[^（）。；，：]{1,4}）)"
_ITEM_HEAD = compiled(
    rf"(?P<cls>[^（）。；，：\d、.]{{2,30}}?)（类）(?P<kuan>{_NAME}{{1,40}}?)（款）(?P<xiang>{_NAME}{{1,40}}?)（项）"
)
_ITEM_AMOUNT = compiled(rf"[：:]?{amount_group('v')}")
_ITEM_INITIAL = compiled(rf"年初预算(?:数)?为{amount_group('v')}")
# A leading optional word ('(?:支出)?决算', '(?:全年)?预算') would not change what is read, only make the search slow
# (no literal to scan for): the two patterns below start at the word that is always printed.
_ITEM_ACTUAL = compiled(rf"决算(?:数)?为{amount_group('v')}")  # also 支出决算为 …
_ITEM_COMPLETION = compiled(rf"完成(?:年初)?预算(?:数)?的{percent_group('v')}")

_PROJECT_HEAD = compiled(r"[“\"](?P<name>[^“”\"]{2,80})[”\"](?:项目)?(?:绩效)?自评(?:综述|结果|情况)")
# 1.西安市中心血站采供血人员经费项目绩效自评综述：全年预算数… (the unit before the name, no quotation marks)
_NUMBERED_PROJECT_HEAD = compiled(r"(?:^|(?<=[。：:；]))\d{1,3}[.．、](?P<name>[^。：:“”\n]{2,80}?)(?:项目)?绩效自评综述[：:]")
_PROJECT_SCORE = compiled(rf"得分(?:为)?{number_group('v')}分")
_PROJECT_BUDGET = compiled(rf"预算(?:数|金额)?为?{amount_group('v')}")  # also 全年预算为 …, 全年预算数229.19万元
_PROJECT_ACTUAL = compiled(rf"执行(?:数|金额)?为?{amount_group('v')}")
_PROJECT_RATE = compiled(rf"(?:完成预算的|执行率(?:为|达到)?){percent_group('v')}")


def read_items(c: FactCollector) -> None:
    """Function-code items (类/款/项) of the general budget with amount, initial budget and completion %."""
    text = c.text.text
    heads = [m for m in _item_heads(text) if c.text.topic(m.start()) in ("general_budget", UNKNOWN)]
    for index, head in enumerate(heads):
        end = heads[index + 1].start() if index + 1 < len(heads) else _section_end(c.text, head.start())
        qualifier = "/".join(_strip_ordinal(head.group(g)) for g in ("cls", "kuan", "xiang"))
        _read_item(c, head.end(), end, qualifier)


def _item_heads(text: str) -> Iterator[re.Match[str]]:
    """Item heads, searched only around each '（类）' (a leading character class would make a full scan slow)."""
    position = text.find("（类）")
    while position >= 0:
        head = _ITEM_HEAD.search(text, max(0, position - 31), position + 200)
        if head and head.end("cls") == position:
            yield head
            position = text.find("（类）", head.end())
        else:
            position = text.find("（类）", position + 3)


def _strip_ordinal(name: str) -> str:
    return _NUMBER_PREFIX.sub("", name)


def _section_end(text: NarrativeText, offset: int) -> int:
    for start, _ in text.headings:
        if start > offset:
            return start
    return len(text.text)


def _read_item(c: FactCollector, start: int, end: int, qualifier: str) -> None:
    text = c.text.text
    first = _ITEM_AMOUNT.match(text, start, end)
    if first:
        _block_amount(c, "general_budget_item_amount", first, qualifier)
    for pattern, key in ((_ITEM_INITIAL, "general_budget_item_initial_budget"),
                         (_ITEM_ACTUAL, "general_budget_item_amount")):
        found = pattern.search(text, start, end)
        if found:
            _block_amount(c, key, found, qualifier)
    found = _ITEM_COMPLETION.search(text, start, end)
    if found and c.claim(found, "v"):
        c.number("general_budget_item_completion_pct", found, "v", "%", qualifier)


def _block_amount(c: FactCollector, key: str, m: re.Match[str], qualifier: str) -> None:
    """An amount of an item or project block (group ``v``), unless another rule already read that number."""
    offset = m.start("v")
    if offset in c.claimed:
        return
    c.claimed.add(offset)
    printed, unit = m.group("v"), m.group("v_u")
    value = float(printed.replace(",", ""))
    c.add(key, value / 10000 if unit == "元" else value, "万元", printed + unit, offset, qualifier)


def read_projects(c: FactCollector) -> None:
    """Per-project self-evaluation summaries (“项目名”项目自评综述：…得分 X 分…预算数为…执行数为…完成预算的 X%, or
    numbered: 1.单位项目名项目绩效自评综述：全年预算数…万元，执行数…万元，完成预算的 X%)."""
    text = c.text.text
    heads = sorted([*_PROJECT_HEAD.finditer(text), *_NUMBERED_PROJECT_HEAD.finditer(text)], key=lambda m: m.start())
    for index, head in enumerate(heads):
        end = heads[index + 1].start() if index + 1 < len(heads) else min(len(text), head.end() + 600)
        end = min(end, _section_end(c.text, head.start()))
        name = head.group("name")
        score = _PROJECT_SCORE.search(text, head.end(), end)
        if score and c.claim(score, "v"):
            c.number("project_score", score, "v", "分", name)
        for pattern, key in ((_PROJECT_BUDGET, "project_budget"), (_PROJECT_ACTUAL, "project_actual")):
            found = pattern.search(text, head.end(), end)
            if found:
                _block_amount(c, key, found, name)
        rate = _PROJECT_RATE.search(text, head.end(), end)
        if rate and c.claim(rate, "v"):
            c.number("project_execution_rate_pct", rate, "v", "%", name)
