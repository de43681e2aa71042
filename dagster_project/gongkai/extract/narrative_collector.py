"""The facts read from a narrative, collected in reading order: de-duplicated, with the number offsets each rule
claimed and the level amounts read so far; and the named number groups the reading patterns use.

Amounts are in 万元 (a figure printed in 元 is divided by 10 000, its text kept in ``original``).
"""

from __future__ import annotations

import re
from bisect import bisect_right, insort
from dataclasses import dataclass

from gongkai.extract.narrative_keys import LEVEL_KEYS
from gongkai.extract.narrative_text import NarrativeText
from gongkai.extract.records import NarrativeFact, ParseIssue

NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_AMOUNT_UNIT = r"万元|元"


def number_group(name: str) -> str:
    """A named number group."""
    return f"(?P<{name}>{NUMBER})"


def amount_group(name: str) -> str:
    """A named amount: number plus its unit (万元 or 元) in group ``<name>_u``."""
    return f"{number_group(name)}(?P<{name}_u>{_AMOUNT_UNIT})"


def percent_group(name: str) -> str:
    """A named percentage."""
    return f"{number_group(name)}%"



@dataclass(slots=True)
class StatedChange:
    amount: float | None
    pct: float | None
    flat: bool
    offset: int
    original: str


class FactCollector:
    """Facts in reading order, with de-duplication, claimed number offsets and the last amount read."""

    def __init__(self, text: NarrativeText, fiscal_year: int | None):
        self.text = text
        self.year = fiscal_year
        self.facts: list[NarrativeFact] = []
        self.issues: list[ParseIssue] = []
        self.claimed: set[int] = set()
        self.index: dict[tuple[str, str | None], NarrativeFact] = {}
        self.offsets: dict[tuple[str, str | None], int] = {}
        self.amounts: list[tuple[int, str]] = []  # (offset, key) of level amounts, in reading order
        self.changes: dict[str, StatedChange] = {}
        self.order: list[int] = []  # offset of each fact, parallel to ``facts``

    def in_reading_order(self) -> list[NarrativeFact]:
        """Reported facts by where they are printed, then comparatives and derived facts."""
        reported = [(o, i) for i, (o, f) in enumerate(zip(self.order, self.facts)) if f.basis == "reported"]
        rest = [f for f in self.facts if f.basis != "reported"]
        return [self.facts[i] for _, i in sorted(reported)] + rest

    def claim(self, match: re.Match[str], *groups: str) -> bool:
        """Claim the offsets of the given number groups; False if one was already read by another rule."""
        offsets = [match.start(g) for g in groups if match.group(g) is not None]
        if not self.claimed.isdisjoint(offsets):
            return False
        self.claimed.update(offsets)
        return True

    def add(self, key: str, value: float, unit: str, original: str, offset: int, qualifier: str | None = None,
            basis: str = "reported", fiscal_year: int | None = None) -> NarrativeFact | None:
        ident = (key, qualifier) if basis == "reported" else (f"{basis}:{key}", qualifier)
        year = self.year if fiscal_year is None and basis != "comparative" else fiscal_year
        existing = self.index.get(ident)
        if existing is not None:
            if basis == "reported" and key in LEVEL_KEYS and abs(existing.value - value) <= 1e-6:
                insort(self.amounts, (offset, key))
            if abs(existing.value - value) > 1e-6:
                self.issues.append(ParseIssue(
                    "warning", "narrative_conflict",
                    f"{key}{'/' + qualifier if qualifier else ''} stated as {existing.original} and {original}; "
                    f"kept the first", self.text.source(offset)))
            return None
        fact = NarrativeFact(key, round(value, 6), unit, original, year, self.text.source(offset), basis, qualifier)
        self.facts.append(fact)
        self.order.append(offset)
        self.index[ident] = fact
        self.offsets[ident] = offset
        if basis == "reported" and key in LEVEL_KEYS:
            insort(self.amounts, (offset, key))
        return fact

    def amount(self, key: str, match: re.Match[str], group: str, qualifier: str | None = None) -> None:
        """Add an amount in 万元 read from ``group`` (unit in ``group_u``)."""
        printed = match.group(group)
        if printed is None:
            return
        unit = match.group(f"{group}_u") or "万元"
        value = float(printed.replace(",", ""))
        value = value / 10000 if unit == "元" else value
        self.add(key, value, "万元", printed + unit, match.start(group), qualifier)

    def number(self, key: str, match: re.Match[str], group: str, unit: str, qualifier: str | None = None,
               printed_unit: str | None = None) -> None:
        """Add a percentage, count or score as printed."""
        printed = match.group(group)
        if printed is None:
            return
        self.add(key, float(printed.replace(",", "")), unit, printed + (printed_unit or unit), match.start(group),
                 qualifier)

    def get(self, key: str, qualifier: str | None = None) -> NarrativeFact | None:
        return self.index.get((key, qualifier))

    def last_amount(self, before: int, since: int, keys: frozenset[str] | None = None) -> str | None:
        """The key of the last level amount read in [since, before)."""
        index = bisect_right(self.amounts, (before, "")) - 1
        while index >= 0 and self.amounts[index][0] >= since:
            key = self.amounts[index][1]
            if keys is None or key in keys:
                return key
            index -= 1
        return None


