"""The narrative part (决算情况说明) joined into one compact text whose sections carry a topic.

The lines are joined with whitespace removed, except a single space between a number ending one line and a number
starting the next, so that sentences wrapped over lines, or rebuilt from PDF text runs, read the same; every character
keeps the line it came from. A section heading (一、… / （一）…) gives the topic of the text below it.
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import pairwise

from gongkai.extract.pattern_cache import compiled
from gongkai.extract.records import Line, Source
from gongkai.extract.text import squeeze

CN_ORDINAL = r"[一二三四五六七八九十]+"

_FULLWIDTH = str.maketrans("()％０１２３４５６７８９．", "（）%0123456789.")
_HAS_FULLWIDTH = compiled("[()％０-９．]")

_DIGIT = compiled(r"\d")
HEADING_FIRST = frozenset("一二三四五六七八九十（")
TOP_HEADING = compiled(rf"^{CN_ORDINAL}、")
SUB_HEADING = compiled(rf"^[（(]{CN_ORDINAL}[)）]")

_TOPICS: tuple[tuple[str, str], ...] = (
    ("三公", "three_public"),
    ("绩效", "performance"),
    ("采购", "procurement"),
    ("资产", "assets"),
    ("机关运行", "agency"),
    ("一般公共预算财政拨款基本支出", "basic_appropriation"),
    ("政府性基金", "other_fund"),
    ("国有资本经营", "other_fund"),
    ("一般公共预算", "general_budget"),
    ("财政拨款", "appropriation"),
    ("收入", "income_expenditure"),
    ("支出", "income_expenditure"),
    ("结转", "income_expenditure"),
)

UNKNOWN = "unknown"


@dataclass(slots=True)
class NarrativeText:
    """The narrative lines joined into one compact string; ``starts[i]`` is where line ``i`` begins in it."""

    text: str
    starts: list[int]
    lines: list[Line]
    file: str
    headings: list[tuple[int, str]] = field(default_factory=list)  # (offset, topic), in order

    def line_at(self, offset: int) -> Line:
        return self.lines[max(0, bisect_right(self.starts, offset) - 1)]

    def source(self, offset: int) -> Source:
        return self.line_at(offset).source(self.file)

    def topic(self, offset: int) -> str:
        index = bisect_right(self.headings, (offset, "\uffff")) - 1
        return self.headings[index][1] if index >= 0 else UNKNOWN

    def ranges(self, topics: frozenset[str]) -> list[tuple[int, int]]:
        """(start, end) of the sections whose topic is one of ``topics`` (text before any heading is 'unknown')."""
        bounds = [(0, UNKNOWN)] + self.headings + [(len(self.text), "")]
        found: list[tuple[int, int]] = []
        for (start, topic), (end, _) in pairwise(bounds):
            if topic in topics and end > start:
                if found and found[-1][1] == start:
                    found[-1] = (found[-1][0], end)
                else:
                    found.append((start, end))
        return found

    def section_start(self, offset: int) -> int:
        index = bisect_right(self.headings, (offset, "\uffff")) - 1
        return self.headings[index][0] if index >= 0 else 0


@functools.lru_cache(maxsize=16384)
def compact_line(text: str) -> str:
    """Drop whitespace (PDF text runs, spaced CJK) and unify brackets/digits. Two numbers within one line run
    together; :func:`join_lines` keeps a space only between a number ending one line and one starting the next.
    Kept for the lines seen last: the narrative and each review rule compact the same lines again."""
    if _HAS_FULLWIDTH.search(text):
        text = text.translate(_FULLWIDTH)
    if " " not in text and "\t" not in text:
        return text
    return squeeze(text)


def join_lines(lines: list[Line], file: str) -> NarrativeText:
    """Join lines into one compact text in a single pass (no quadratic concatenation)."""
    parts: list[str] = []
    starts: list[int] = []
    headings: list[tuple[int, str]] = []
    offset = 0
    parent = UNKNOWN
    previous = ""
    for line in lines:
        piece = compact_line(line.text)
        if previous[-1:].isdigit() and piece[:1].isdigit():
            piece = " " + piece
        starts.append(offset + (1 if piece.startswith(" ") else 0))
        if piece[:1] in HEADING_FIRST:
            if TOP_HEADING.match(piece):
                parent = topic_of(piece, "other")
                headings.append((offset, parent))
            elif SUB_HEADING.match(piece):
                headings.append((offset, topic_of(piece, parent)))
        parts.append(piece)
        offset += len(piece)
        previous = piece
    return NarrativeText("".join(parts), starts, lines, file, headings)


def topic_of(heading: str, default: str) -> str:
    """The topic of a section from its heading (三公, 采购, 一般公共预算 …); ``default`` when it names none."""
    head = _DIGIT.split(heading, maxsplit=1)[0]
    for word, topic in _TOPICS:
        if word in head:
            return topic
    return default

