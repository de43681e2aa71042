"""The lines of a self-evaluation form in a text dump: text helpers, the numbers a row ends with, and the 一级/二级
指标 level names recognised among a row's wrapped fragments."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from gongkai.extract.pattern_cache import compiled
from gongkai.extract.performance_vocabulary import (
    _COMPLETION_RE,
    _HEADER_CELL,
    _HEADER_ENDINGS,
    _HEADER_WORDS,
    _MAX_LEVEL_FRAGMENTS,
    _MAX_LEVEL_NAME,
    _NUM_RE,
    _OPERATOR,
    _OPERATORS,
    _PROJECT_LEVEL1,
    _PROJECT_LEVEL2,
    _PROJECT_LEVEL2_SUFFIX,
    _PUNCTUATION,
    _QUANT_ROW,
    _SCORE_TAIL,
    _UNIT_LEVEL1,
    _UNIT_LEVEL2,
)


# ---------------------------------------------------------------------------------------------------- text helpers


def _brackets(text: str) -> str:
    return text.replace("(", "（").replace(")", "）")


@functools.lru_cache(maxsize=4096)
def _width(text: str) -> float:
    """Printed width in em: CJK and full-width characters 1, ASCII ½."""
    return sum(0.5 if ord(ch) < 128 or unicodedata.east_asian_width(ch) in ("Na", "H") else 1.0 for ch in text)


def _is_heading(text: str) -> bool:
    """A column heading of an indicator table (偏差原因分析, 分值, 得分, 指标值, 一级指标 …)."""
    return (any(word in text for word in _HEADER_WORDS) or text.endswith(_HEADER_ENDINGS)
            or _HEADER_CELL.match(text) is not None)


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text.rstrip("%").replace(",", ""))
    except ValueError:
        return None


def _join(parts: list[str]) -> str | None:
    """Join the wrapped lines of one cell, repairing brackets restored line by line from U+FFFD.

    A restored '（' cannot know that its line continues a bracket opened on the line before ('…80%（' + '含（'):
    the first '（' of a line that follows an unclosed one is turned into '）'.
    """
    out: list[str] = []
    depth = 0
    for part in parts:
        if depth > 0:
            opening, closing = part.find("（"), part.find("）")
            if opening != -1 and (closing == -1 or opening < closing):
                part = part[:opening] + "）" + part[opening + 1:]
        out.append(part)
        depth = max(0, depth + part.count("（") - part.count("）"))
    text = "".join(out).strip()
    return text or None


@dataclass(slots=True)
class _Fragment:
    """A piece of cell text printed on its own line (or split off a merged line)."""

    text: str
    line: int
    page: int


def _texts(fragments: list[_Fragment]) -> list[str]:
    return [f.text for f in fragments]


def _gap_before(fragments: list[_Fragment], index: int) -> bool:
    """True when a blank line separated fragment ``index`` from the one before it (a cell boundary in text dumps)."""
    a, b = fragments[index - 1], fragments[index]
    return a.page != b.page or b.line - a.line > 1


# ----------------------------------------------------------------------------------------------- number-row lines


@dataclass(slots=True)
class _Numbers:
    """The numbers of an indicator row: quantitative (with operator) or the tail of a qualitative row."""

    label: str
    operator: str | None
    target: str | None
    unit: str | None
    actual: str | None
    completion: str
    weight: float | None
    score: float | None
    reason: str | None = None


def _parse_numbers(text: str) -> _Numbers | None:
    """'消防维保次数 >= 12 次 12 100% 12.5 12.5' or '100% 12.5 12.5' (qualitative tail) → :class:`_Numbers`."""
    match = _QUANT_ROW.match(text) if _OPERATOR.search(text) else None
    if match:
        numbers = _quantitative(match)
        if numbers is not None:
            return numbers
    if not text[-1:].isdecimal():  # a score tail ends with the score (cheap test: most lines are cell text)
        return None
    tail = _SCORE_TAIL.match(text)
    if tail is None:
        return None
    return _Numbers(tail["pre"] or "", None, None, None, None, tail["completion"],
                    _number(tail["weight"]), _number(tail["score"]))


def _quantitative(match: re.Match) -> _Numbers | None:
    tokens = match["rest"].split()
    for split in (3, 2):
        if len(tokens) < split + 3 or not _is_score_triple(tokens[split:split + 3]):
            continue
        unit = tokens[1] if split == 3 else None
        reason = " ".join(tokens[split + 3:]) or None
        operator = _OPERATORS.get(match["op"], match["op"])
        return _Numbers(match["label"].strip(), operator, tokens[0], unit, tokens[split - 1], tokens[split],
                        _number(tokens[split + 1]), _number(tokens[split + 2]), reason)
    return None


def _is_score_triple(tokens: list[str]) -> bool:
    return bool(_COMPLETION_RE.match(tokens[0]) and _NUM_RE.match(tokens[1]) and _NUM_RE.match(tokens[2]))


# ------------------------------------------------------------------------------------------------ level vocabulary


class _Vocabulary:
    """Names of 一级指标 and 二级指标 of one table kind."""

    __slots__ = ("level1", "level2", "level2_pattern", "level2_suffix", "_levels", "_prefix")

    def __init__(self, level1: frozenset[str], level2: frozenset[str], level2_pattern: re.Pattern | None,
                 level2_suffix: str = ""):
        self.level1 = level1
        self.level2 = level2
        self.level2_pattern = level2_pattern
        self.level2_suffix = level2_suffix
        self._levels = {name: 2 for name in level2} | {name: 1 for name in level1}  # a name in both lists is 一级
        names = sorted((n for n in level1 | level2 if len(n) >= 4), key=lambda n: (-len(n), n))  # one pattern per set
        self._prefix = compiled("^(?:" + "|".join(map(re.escape, names)) + r")(?=\S{3})") if names else None

    def level_of(self, text: str) -> int | None:
        level = self._levels.get(text)
        if (level is None and self.level2_pattern is not None and text.endswith(self.level2_suffix)
                and self.level2_pattern.match(text)):
            return 2
        return level

    def prefix_of(self, text: str) -> tuple[int, str] | None:
        """A level name printed merged with the 三级指标 on one line: '资产管理固定资产利用率' → (2, '资产管理')."""
        if self._prefix is None or len(text) > 16 or _PUNCTUATION.search(text):
            return None
        match = self._prefix.match(text)
        if match is None:
            return None
        return (2 if match[0] in self.level2 else 1), match[0]


_PROJECT_VOCABULARY = _Vocabulary(_PROJECT_LEVEL1, frozenset(), _PROJECT_LEVEL2, _PROJECT_LEVEL2_SUFFIX)
_UNIT_VOCABULARY = _Vocabulary(_UNIT_LEVEL1, _UNIT_LEVEL2, _PROJECT_LEVEL2, _PROJECT_LEVEL2_SUFFIX)


@dataclass(slots=True)
class _LevelMatch:
    level: int
    name: str
    consumed: int
    remainder: _Fragment | None


def _match_level(fragments: list[_Fragment], vocabulary: _Vocabulary, start: int = 0) -> _LevelMatch | None:
    """A level name at ``fragments[start]`` (wrapped over up to four lines, or merged with the next cell)."""
    joins: list[str] = []
    joined = ""
    for fragment in fragments[start : start + _MAX_LEVEL_FRAGMENTS]:
        joined += fragment.text
        if len(joined) > _MAX_LEVEL_NAME:
            break
        joins.append(joined)
    for count in range(len(joins), 0, -1):
        level = vocabulary.level_of(joins[count - 1])
        if level is not None:
            return _LevelMatch(level, joins[count - 1], count, None)
    if start >= len(fragments):
        return None
    first = fragments[start]
    merged = vocabulary.prefix_of(first.text)
    if merged is None:
        return None
    remainder = _Fragment(first.text[len(merged[1]):], first.line, first.page)
    return _LevelMatch(merged[0], merged[1], 1, remainder)


def _first_level_index(fragments: list[_Fragment], vocabulary: _Vocabulary) -> int | None:
    for index in range(len(fragments)):
        if _match_level(fragments, vocabulary, index) is not None:
            return index
    return None
