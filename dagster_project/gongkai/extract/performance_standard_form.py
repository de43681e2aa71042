"""The Ministry of Finance's 项目支出绩效自评表 template (and the 部门整体 form built like it) in a text dump: the
年度资金总额 row without its blank cells (:func:`funds_columns`), the width of a task name's column, and the indicator
rows.

Columns: 一级指标, 二级指标, 三级指标, 年度指标值, 实际完成值, 分值, 得分, 偏差原因分析及改进措施. A text layer prints
a row's 分值 and 得分 (and a short reason) at the end of one line — the row's anchor — and the row's other cells on
that line before them or on the lines above, wrapped and mixed with the table's vertical labels (绩 / 效 / 指 / 标) and
the weights of the 一级指标 boxes (（50分）). Read from that:

* 分值 and 得分 of every row, from its anchor (a score above its weight, or a weight above 100, is no anchor);
* 一级指标 and 二级指标 by the standard vocabulary (a name wrapped over lines joined), carried down to the rows of
  their merged boxes; a 一级 name (成本指标) not followed by a 二级 name, under an 一级 already named, is a 二级;
* 年度指标值 and 实际完成值: the last two words of the anchor line, the 三级指标 what precedes them (on that line or
  above); where the values wrap over lines above the anchor they are not told apart: the row's text is its
  三级指标 and the two values stay NULL.
"""

from __future__ import annotations

from gongkai.extract.lazy_pattern import lazy_pattern
from gongkai.extract.performance_lines import _PROJECT_VOCABULARY, _Fragment, _match_level, _number
from gongkai.extract.records import Indicator, Line, Source
from gongkai.extract.text import squeeze

_DASHES = ("-", "—", "－")
_TASK_NAME_WRAP = 8  # characters a line of the narrow 任务名称 column holds; the 主要内容 column's lines are longer

_NUM = r"-?\d+(?:\.\d+)?"
_ANCHOR = lazy_pattern(rf"^(?:(?P<pre>.*\S)\s+)?(?P<weight>{_NUM})\s+(?P<score>{_NUM})"
                       rf"(?:\s+(?P<reason>[^\d\s%.][^%]{{0,40}}))?$")
_VERTICAL = frozenset("绩效指标")  # the merged 绩效指标 box's characters, one a line
_WEIGHT = lazy_pattern(r"^[（(]\d+(?:\.\d+)?分[）)]$")  # （50分）: the weight of an 一级指标 box
_HEADER = lazy_pattern(r"一级指标|二级|三级指标|指标值|完成值|^年度$|^实际$|分值|得分|偏差|原因|改进|^施$")


def standard_indicators(lines: list[Line], file: str) -> list[Indicator]:
    """The indicator rows of one form from the lines between its goal text and its 总分 row."""
    indicators: list[Indicator] = []
    levels: list[str | None] = [None, None]
    pending: list[_Fragment] = []
    started = False
    for line in lines:
        anchor = _ANCHOR.match(line.text)
        if anchor and _is_scores(anchor):
            pending += _fragments(anchor["pre"] or "", line)
            indicators.append(_row(pending, levels, anchor, line, file))
            pending = []
            started = True
        elif started or not _HEADER.search(line.text):
            pending += _fragments(line.text, line)
    return indicators


def _is_scores(anchor) -> bool:
    weight, score = float(anchor["weight"]), float(anchor["score"])
    return 0 <= score <= weight <= 100


def _fragments(text: str, line: Line) -> list[_Fragment]:
    """The line's words, without the 一级指标 weights."""
    return [_Fragment(word, line.line, line.page) for word in text.split() if not _WEIGHT.match(word)]


def _row(fragments: list[_Fragment], levels: list[str | None], anchor, line: Line, file: str) -> Indicator:
    rest = [f for f in _take_levels(fragments, levels) if f.text not in _VERTICAL]
    on_anchor = [f.text for f in rest if f.line == line.line]
    above = [f.text for f in rest if f.line != line.line]
    target = actual = None
    if len(on_anchor) >= 2 and (above or len(on_anchor) >= 3):  # 三级指标 above or first on the line, then the values
        target, actual = on_anchor[-2], on_anchor[-1]
        on_anchor = on_anchor[:-2]
    level3 = "".join(above + on_anchor) or ""
    return Indicator(level1=levels[0], level2=levels[1], level3=level3, operator=None, target=target, unit=None,
                     actual=actual, completion=None, weight=_number(anchor["weight"]), score=_number(anchor["score"]),
                     source=Source(file, line.page, line.line), deviation_reason=anchor["reason"])


def _take_levels(fragments: list[_Fragment], levels: list[str | None]) -> list[_Fragment]:
    """Consume the 一级 / 二级指标 names at the start of the row's fragments (setting ``levels``); the rest."""
    index = 0
    while index < len(fragments):
        match = _match_level(fragments, _PROJECT_VOCABULARY, index)
        if match is None or match.remainder is not None:
            if fragments[index].text in _VERTICAL or levels == [None, None]:
                # 指 产出指标 …: a character of the vertical 绩效指标 label; before the first level name, header words
                index += 1
                continue
            break
        name = squeeze(match.name)
        index += match.consumed
        following = _match_level(fragments, _PROJECT_VOCABULARY, index)
        if match.level == 1 and (levels[0] is None or following is not None and following.level == 2):
            levels[0], levels[1] = name, None
        else:  # 成本指标 under 产出指标: a 一级 name used as the 二级 of the 一级 above
            levels[1] = name
    return fragments[index:]


def funds_columns(tokens: list[str]) -> tuple | None:
    """(全年预算数, 全年执行数, 执行率, 得分, 分值) of a 年度资金总额 row printed as text, whose blank cells are gone (a cell
    printed '-' stays, blank): the rate is the number printed with % (else the 5th of 6); before it 年初预算数,
    全年预算数, 全年执行数 and 分值, of which 年初 or 分值 may be blank — the one whose absence makes 执行数 / 预算数 the
    printed rate, else 分值 where the last number cannot be a score weight (> 100)."""
    numbers = [None if t in _DASHES else _number(t) for t in tokens]
    if any(n is None and t not in _DASHES for n, t in zip(numbers, tokens)):
        return None
    rate_at = next((i for i, t in enumerate(tokens) if t.endswith("%")), None)
    if rate_at is None and len(numbers) != 6:
        return None
    rate_at = 4 if rate_at is None else rate_at
    before, rate = numbers[:rate_at], numbers[rate_at]
    score = numbers[rate_at + 1] if rate_at + 1 < len(numbers) else None
    if len(before) >= 4:
        return before[-3], before[-2], rate, score, before[-1]
    if len(before) == 2:
        return before[0], before[1], rate, score, None
    if len(before) != 3:
        return None
    first, second, third = before
    if None in before:
        return None
    if _rate_of(third, second, rate) or not _rate_of(second, first, rate) and third > 100:
        return second, third, rate, score, None  # 分值 blank
    return first, second, rate, score, third  # 年初预算数 blank


def _rate_of(actual: float, budget: float, rate: float | None) -> bool:
    return rate is not None and budget > 0 and abs(actual / budget * 100 - rate) < 0.6
