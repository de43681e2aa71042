"""The ruled grid of a PDF page: each word placed in the box its ruling lines enclose (表格单元格).

A box is found from the ruling lines alone: the nearest vertical rules left and right of a point that reach its
height, and the nearest horizontal rules above and below it that reach across it. A merged cell (一级指标 over
several rows) is one box, a blank cell is a box with no words. Used by the readers of ruled forms
(:mod:`pdf_performance`), where the cells, not the lines, carry the structure.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import NamedTuple

from gongkai.extract.records import Line, Source

_TOL = 1.5  # points: a rule drawn a little short of a corner still closes the box


class Box(NamedTuple):
    """A ruled box (points; ``top`` < ``bottom``, from the top of the page). A tuple: hashed and compared in C (a
    form's grid looks its boxes up tens of thousands of times)."""

    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(slots=True)
class _Placed:
    baseline: float
    x0: float
    text: str
    line: Line


@dataclass(slots=True)
class Grid:
    """One page's boxes and the words in them, between ``top`` and ``bottom`` (a table's part of the page)."""

    page: int
    top: float
    bottom: float
    h_rules: list[tuple[float, float, float]]
    v_rules: list[tuple[float, float, float]]
    words: dict[Box, list[_Placed]] = field(default_factory=dict)
    index: RuleIndex | None = field(default=None, repr=False)  # built from the rules when not given
    _texts: dict[Box, str] = field(default_factory=dict, init=False, repr=False)
    _boxes: tuple[Box, ...] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.index is None:
            self.index = RuleIndex(self.v_rules, self.h_rules)

    def box_at(self, x: float, y: float) -> Box | None:
        """The ruled box around a point, or None outside the ruling: the nearest vertical rules left and right of it
        that reach its height, the nearest horizontal rules above and below it that reach across it."""
        vertical, horizontal = self.index.vertical, self.index.horizontal
        left = vertical.nearest_before(x, y)
        if left is None:
            return None
        right = vertical.nearest_after(x, y)
        if right is None:
            return None
        above = horizontal.nearest_before(y, x)
        if above is None:
            return None
        below = horizontal.nearest_after(y, x)
        if below is None:
            return None
        return Box(round(left, 1), round(right, 1), round(above, 1), round(below, 1))

    def text(self, box: Box | None) -> str:
        """The words of a box: words of one line joined by a space, wrapped lines run together (kept once asked:
        the words are placed before the grid is read)."""
        if box is None or box not in self.words:
            return ""
        found = self._texts.get(box)
        if found is None:
            lines: dict[int, list[_Placed]] = {}
            for placed in sorted(self.words[box], key=lambda p: (p.baseline, p.x0)):
                lines.setdefault(id(placed.line), []).append(placed)
            found = self._texts[box] = "".join(" ".join(p.text for p in words) for words in lines.values()).strip()
        return found

    def line_of(self, box: Box | None) -> Line | None:
        """The first line a box's text is printed on (for the source of a value)."""
        if box is None or box not in self.words:
            return None
        return min(self.words[box], key=lambda p: (p.baseline, p.x0)).line

    def first_line(self) -> Line:
        """The first line with a word in a box (a grid is only kept when it has one)."""
        return min((p for placed in self.words.values() for p in placed), key=lambda p: (p.baseline, p.x0)).line

    def source(self, file: str, *boxes: Box | None) -> Source:
        """The line of the first of ``boxes`` holding text, else the grid's first line."""
        line = next((found for box in boxes if (found := self.line_of(box)) is not None), None) or self.first_line()
        return Source(file, line.page, line.line)

    def text_at(self, x: float, y: float) -> str:
        return self.text(self.box_at(x, y))

    def boxes(self) -> tuple[Box, ...]:
        """Boxes holding words, top to bottom, left to right (kept once asked, as the texts)."""
        if self._boxes is None:
            self._boxes = tuple(sorted(self.words, key=lambda b: (b.top, b.x0)))
        return self._boxes

    def row_bounds(self, x: float, top: float, bottom: float) -> list[tuple[float, float]]:
        """Rows of the column through ``x`` between ``top`` and ``bottom``: the gaps between rules crossing it."""
        ys = sorted({round(hy, 1) for hy, a, b in self.h_rules
                     if a - _TOL <= x <= b + _TOL and top - _TOL <= hy <= bottom + _TOL})
        merged: list[float] = []
        for y in ys:
            if not merged or y - merged[-1] > 2.0:
                merged.append(y)
        return list(zip(merged, merged[1:]))


class RuleIndex:
    """A page's rules by position, so a box's sides are found by bisection (a form page has hundreds of rules and
    thousands of words); a rule at NaN matched nothing before and is left out. Built once per page: every grid of
    the page shares it."""

    __slots__ = ("vertical", "horizontal")

    def __init__(self, v_rules: list[tuple[float, float, float]], h_rules: list[tuple[float, float, float]]) -> None:
        self.vertical = _Rules(v_rules)
        self.horizontal = _Rules(h_rules)


class _Rules:
    """Rules (position, start, end) by distinct position, each position with the union of its rules' spans widened by
    _TOL (sorted, disjoint): the nearest rule reaching a point is found without walking every rule at a position (a
    form's column line is one rule per row)."""

    def __init__(self, rules: list[tuple[float, float, float]]) -> None:
        spans: dict[float, list[tuple[float, float]]] = {}
        for position, start, end in rules:
            if position == position:  # not NaN
                spans.setdefault(position, [])
                if start == start and end == end:
                    spans[position].append((start - _TOL, end + _TOL))
        self.positions = sorted(spans)
        self._reach = [_union(spans[position]) for position in self.positions]

    def nearest_before(self, at: float, across: float) -> float | None:
        """The greatest position < ``at`` whose rules reach ``across``."""
        reach = self._reach
        for i in range(bisect_left(self.positions, at) - 1, -1, -1):
            lows, highs = reach[i]
            j = bisect_right(lows, across) - 1
            if j >= 0 and across <= highs[j]:
                return self.positions[i]
        return None

    def nearest_after(self, at: float, across: float) -> float | None:
        """The least position > ``at`` whose rules reach ``across``."""
        reach = self._reach
        for i in range(bisect_right(self.positions, at), len(self.positions)):
            lows, highs = reach[i]
            j = bisect_right(lows, across) - 1
            if j >= 0 and across <= highs[j]:
                return self.positions[i]
        return None


def _union(spans: list[tuple[float, float]]) -> tuple[list[float], list[float]]:
    """The union of closed intervals as sorted disjoint ones: (their lows, their highs)."""
    lows: list[float] = []
    highs: list[float] = []
    for low, high in sorted(spans):
        if lows and low <= highs[-1]:
            highs[-1] = max(highs[-1], high)
        elif low <= high:
            lows.append(low)
            highs.append(high)
    return lows, highs


def rule_index(geo) -> RuleIndex:
    """The rule index of a page geometry (:class:`pdf_document.PageGeometry`), built on the first call."""
    if geo.rule_index is None:
        geo.rule_index = RuleIndex(geo.v_rules, geo.h_rules)
    return geo.rule_index


def page_grid(geo, top: float, bottom: float) -> Grid:
    """The grid of a page geometry (:class:`pdf_document.PageGeometry`) between two heights, its words placed."""
    grid = Grid(geo.page, top, bottom, geo.h_rules, geo.v_rules, index=rule_index(geo))
    for line, box in zip(geo.lines, geo.boxes):
        y = (box.top + box.bottom) / 2
        if not top <= y <= bottom:
            continue
        for word in line.words:
            placed = grid.box_at((word.x0 + word.x1) / 2, y)
            if placed is not None:
                grid.words.setdefault(placed, []).append(_Placed(box.baseline, word.x0, word.text, line))
    return grid
