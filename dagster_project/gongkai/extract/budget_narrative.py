"""Figures a budget's narrative (预算情况说明) states: the budgeted 三公 total and its change against last year's budget.

'2024年“三公”经费预算数为47.91万元，比2023年预算增加25万元' → three_public_budget 47.91 (2024), the stated change
three_public_budget_change_amount +25 and, derived from them, last year's budget (basis 'derived', 2023).
A sentence may wrap onto the next line: each line is read together with the one after it.
"""

from __future__ import annotations

import re

from gongkai.extract.records import Document, NarrativeFact
from gongkai.extract.text import squeeze

_AMOUNT = r"(\d[\d,]*(?:\.\d+)?)"
_THREE_PUBLIC = re.compile(
    rf"(?P<year>(?:19|20)\d{{2}})年度?(?:一般公共预算|财政拨款)*(?:拨款)?(?:安排的)?[“\"]?三公[”\"]?经费"
    rf"(?:支出)?预算(?:数|总额)?(?:为|共计|合计)?{_AMOUNT}万元[,，]?"
    rf"(?:比|较)(?:上年|(?P<prior>(?:19|20)\d{{2}})年度?)(?:预算)?(?:数)?"
    rf"(?:(?P<direction>增加|减少|增长|下降){_AMOUNT}?万元|(?P<same>持平))?"
)
_UP = ("增加", "增长")


def read_budget_narrative(document: Document, fiscal_year: int | None) -> list[NarrativeFact]:
    """The 三公 budget of the year and its stated change, from the first sentence that states them."""
    lines = document.lines
    for i, line in enumerate(lines):
        if "三公" not in line.text:
            continue
        text = squeeze(line.text) + (squeeze(lines[i + 1].text) if i + 1 < len(lines) else "")
        found = _THREE_PUBLIC.search(text)
        if found is None or (fiscal_year is not None and int(found.group("year")) != fiscal_year):
            continue
        return _facts(found, line.source(document.file))
    return []


def _facts(found: re.Match[str], source) -> list[NarrativeFact]:
    year = int(found.group("year"))
    budget = float(found.group(2).replace(",", ""))
    facts = [NarrativeFact("three_public_budget", budget, "万元", found.group(0), year, source)]
    if found.group("same"):
        change = 0.0
    elif found.group("direction") and found.group(5):
        change = float(found.group(5).replace(",", "")) * (1 if found.group("direction") in _UP else -1)
    else:
        return facts
    prior_year = year - 1  # 'than last year': a printed prior year that is not year - 1 is a typo of the source
    facts.append(NarrativeFact("three_public_budget_change_amount", change, "万元", found.group(0), year, source))
    facts.append(NarrativeFact("three_public_budget", round(budget - change, 6), "万元", found.group(0), prior_year,
                               source, basis="derived"))
    return facts
