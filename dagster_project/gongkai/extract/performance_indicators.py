"""The indicator rows (绩效指标) of a self-evaluation form in a text dump, and the split of its 年初设定目标 from its
全年实际完成情况 text."""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.extract.performance_lines import (
    _Fragment,
    _LevelMatch,
    _Numbers,
    _Vocabulary,
    _first_level_index,
    _gap_before,
    _is_heading,
    _join,
    _match_level,
    _texts,
    _width,
)
from gongkai.extract.performance_vocabulary import (
    _FULL_TOLERANCE,
    _GRADE_START,
    _PUNCTUATION,
    _REASON_PART,
    _REPEATED_HEADER,
    _SENTENCE_END,
    _YEAR_START,
)
from gongkai.extract.records import Indicator, Line, ParseIssue, Source
from gongkai.extract.text import squeeze


# -------------------------------------------------------------------------------------------------- indicator rows


@dataclass(slots=True)
class _RawRow:
    """An indicator row as read: its numbers, its level context and the label fragments still to be split."""

    numbers: _Numbers
    level1: str | None
    level2: str | None
    labels: list[_Fragment]
    source: Source
    late: bool = False
    reason: list[str] = field(default_factory=list)


class _IndicatorReader:
    """Collects indicator rows (绩效指标) of one table: tracks 一级/二级 context, wrapped names and 偏差原因."""

    def __init__(self, file: str, vocabulary: _Vocabulary):
        self.file = file
        self.vocabulary = vocabulary
        self.pending: list[_Fragment] = []
        self.rows: list[_RawRow] = []
        self.level1: str | None = None
        self.level2: str | None = None
        self.in_header = True
        self.issues: list[ParseIssue] = []

    def text(self, line: Line) -> None:
        if line.text.startswith(_REPEATED_HEADER):
            self.close_reason()
            self.in_header = True
        self.pending.append(_Fragment(line.text, line.line, line.page))

    def row(self, line: Line, numbers: _Numbers, late: bool = False) -> None:
        fragments = self._take_labels(numbers)
        if late:
            self.level1 = self.level2 = None
        fragments = self._peel_levels(fragments)
        source = line.source(self.file)
        self.rows.append(_RawRow(numbers, self.level1, self.level2, fragments, source, late))

    def hold(self, line: Line) -> None:
        """Keep a line that may turn out to name a late row (printed after the score line)."""
        self.pending.append(_Fragment(line.text, line.line, line.page))

    def drop_pending(self) -> None:
        self.pending = []

    def close_reason(self) -> None:
        """Lines left before a subtotal or a repeated header: the 偏差原因分析 of the last row."""
        if self.rows and self.pending and not self.in_header:
            self.rows[-1].reason.extend(_texts(self.pending))
        self.pending = []

    def _take_labels(self, numbers: _Numbers) -> list[_Fragment]:
        fragments, self.pending = self.pending, []
        if self.in_header:
            self.in_header = False
            fragments = self._drop_header(fragments)
        else:
            fragments = self._split_reason(fragments, bool(numbers.label))
        if numbers.label:
            fragments.append(_Fragment(numbers.label, -1, -1))
        return fragments

    def _drop_header(self, fragments: list[_Fragment]) -> list[_Fragment]:
        """Column headings before the first row: cut after the last heading, then at the first level name."""
        last_header = next((i for i in reversed(range(len(fragments))) if _is_heading(fragments[i].text)), -1)
        fragments = fragments[last_header + 1:]
        start = _first_level_index(fragments, self.vocabulary)
        return fragments[start:] if start is not None else fragments

    def _split_reason(self, fragments: list[_Fragment], inline_label: bool) -> list[_Fragment]:
        if not self.rows or not fragments:
            return fragments
        start = _first_level_index(fragments, self.vocabulary)
        if start is None:
            prose = inline_label and (_PUNCTUATION.search("".join(_texts(fragments))) or len(fragments) > 2)
            start = len(fragments) if prose else 0
        if start:
            self.rows[-1].reason.extend(_texts(fragments[:start]))
        return fragments[start:]

    def _peel_levels(self, fragments: list[_Fragment]) -> list[_Fragment]:
        previous: tuple[str | None, str | None] | None = None
        last: _LevelMatch | None = None
        while fragments:
            match = _match_level(fragments, self.vocabulary)
            if match is None:
                break
            previous, last = (self.level1, self.level2), match
            if match.level == 1:
                self.level1, self.level2 = match.name, None
            else:
                self.level2 = match.name
            fragments = ([match.remainder] if match.remainder else []) + fragments[match.consumed:]
        if not fragments and last is not None and previous is not None:
            # The last cell of a row is its 三级指标: a name that reads like a level name is the indicator itself.
            self.level1, self.level2 = previous
            fragments = [_Fragment(last.name, -1, -1)]
        return fragments

    def indicators(self) -> list[Indicator]:
        width = self._label_width()
        return [self._indicator(row, width) for row in self.rows]

    def _label_width(self) -> float | None:
        """Width of a full line of the 三级指标 column, from the wrapped names of quantitative rows."""
        widths = [_width(f.text) for row in self.rows if row.numbers.operator for f in row.labels[:-1] if f.line > 0]
        return _median(widths) if widths else None

    def _indicator(self, row: _RawRow, width: float | None) -> Indicator:
        numbers = row.numbers
        if numbers.operator is not None:
            level3, target, actual = _join(_texts(row.labels)) or "", numbers.target, numbers.actual
        else:
            level3, target, actual = self._split_qualitative(row, width)
        if not level3:
            self.issues.append(ParseIssue("warning", "indicator_without_name",
                                          "an indicator row has no 三级指标 name", row.source))
        reason = _reason_text(row.reason + ([numbers.reason] if numbers.reason else []))
        return Indicator(row.level1, row.level2, level3, numbers.operator, target, numbers.unit, actual,
                         numbers.completion, numbers.weight, numbers.score, row.source, reason)

    def _split_qualitative(self, row: _RawRow, width: float | None) -> tuple[str, str | None, str | None]:
        """Fragments of a qualitative row → (三级指标, 指标值, 全年完成值)."""
        labels = row.labels
        start = _actual_start(labels)
        if start is None:
            start = len(labels) - 1 if len(labels) > 1 else len(labels)
            message = "could not tell the achievement of a qualitative indicator; took its last line"
            self.issues.append(ParseIssue("info", "qualitative_row_guess", message, row.source))
        names, actual = labels[:start], _join(_texts(labels[start:]))
        if len(names) <= 1:
            return (_join(_texts(names)) or ""), None, actual
        split = _name_target_split(names, width or max(_width(f.text) for f in names))
        return _join(_texts(names[:split])) or "", _join(_texts(names[split:])), actual


def _median(values: list[float]) -> float:
    """``statistics.median`` (whose import, with fractions, decimal and random, costs a text report ≈ 5 ms)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _reason_text(parts: list[str]) -> str | None:
    """Join wrapped reason lines; a part headed '人员保障:' / '其他:' (改进措施 columns) starts on a new line."""
    if not parts:
        return None
    out = parts[0]
    for part in parts[1:]:
        out += ("\n" if _REASON_PART.match(part) else "") + part
    return out.strip() or None


def _actual_start(labels: list[_Fragment]) -> int | None:
    """Index where the achievement (全年完成值) of a qualitative row begins: '全部或基本达成预期指标…'."""
    for index in range(1, len(labels)):
        if _GRADE_START.match("".join(f.text for f in labels[index:])):
            return index
    for index in range(len(labels) - 1, 0, -1):
        if labels[index].line > 0 and _gap_before(labels, index):
            return index if index >= 2 else None
    return None


def _name_target_split(names: list[_Fragment], width: float) -> int:
    """Where the 三级指标 cell ends and the 指标值 cell begins among the fragments before the achievement."""
    candidates = []
    for split in range(1, len(names)):
        name, target = names[:split], names[split:]
        if not (_cell_fits(name, width) and _cell_consistent(target)) or len("".join(_texts(target))) < 2:
            continue
        last_full = _width(name[-1].text) >= width - _FULL_TOLERANCE
        gap = names[split].line > 0 and names[split - 1].line > 0 and _gap_before(names, split)
        candidates.append(((last_full, not gap, len(target)), split))
    return min(candidates)[1] if candidates else 1


def _cell_fits(cell: list[_Fragment], width: float) -> bool:
    """Every line of a wrapped cell but its last fills the column."""
    return all(_width(f.text) >= width - _FULL_TOLERANCE for f in cell[:-1])


def _cell_consistent(cell: list[_Fragment]) -> bool:
    widest = max(_width(f.text) for f in cell)
    return _cell_fits(cell, widest)


# --------------------------------------------------------------------------------------- target / achievement text


def split_goal_text(lines: list[Line]) -> tuple[str | None, str | None, bool]:
    """Split the 年初设定目标 and 全年实际完成情况 cells printed one after the other.

    Returns (target, achievement, decided). Tried in order: a single line holding both cells separated by a space,
    the achievement repeating the target's opening, the achievement opening with a year ('2024年…'), a blank line
    between the cells, and the wrap geometry (each cell's lines but its last are full width, the cells' widths
    differ). When none decides, everything is returned as the target.
    """
    texts = [line.text for line in lines]
    if not texts:
        return None, None, True
    if len(texts) == 1:
        parts = texts[0].split()
        if len(parts) == 2:
            return parts[0], parts[1], True
        return texts[0], None, False
    split = _goal_split(lines)
    if split is None:
        return _join(texts), None, False
    return _join(texts[:split]), _join(texts[split:]), True


def _goal_split(lines: list[Line]) -> int | None:
    texts = [line.text for line in lines]
    opening = squeeze(texts[0])[:8]
    for index in range(1, len(texts)):
        if len(opening) >= 4 and squeeze(texts[index]).startswith(opening):
            return index
    for index in range(1, len(texts)):
        gap = lines[index].line - lines[index - 1].line > 1
        if _YEAR_START.match(texts[index]) and (gap or _SENTENCE_END.search(texts[index - 1])):
            return index
    for index in range(1, len(texts)):
        if lines[index].page != lines[index - 1].page or lines[index].line - lines[index - 1].line > 1:
            return index
    return _geometric_goal_split(texts)


def _geometric_goal_split(texts: list[str]) -> int | None:
    widths = [_width(t) for t in texts]

    def fits(part: list[float]) -> bool:
        return all(w >= max(part) - 1.0 for w in part[:-1])

    if fits(widths):
        return None
    valid = [s for s in range(1, len(widths)) if fits(widths[:s]) and fits(widths[s:])]
    return valid[0] if len(valid) == 1 else None
