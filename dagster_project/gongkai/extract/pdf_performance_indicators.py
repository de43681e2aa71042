"""The indicator rows (绩效指标) and the score row of a self-evaluation form printed as a ruled grid: the columns under
一级指标 … 得分 found by their headings, one indicator per ruled row of the 得分 column (merged 一级/二级 boxes naming
every row they span, the weight in 产出指标（50分） dropped), and the score row (总分, or 指标自评得分小计 … 预算执行率得分
… 减分项 … 绩效自评总得分)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gongkai.extract.lazy_pattern import lazy_pattern
from gongkai.extract.pdf_grid import Box, Grid
from gongkai.extract.records import Indicator, Source
from gongkai.extract.text import squeeze

if TYPE_CHECKING:
    from gongkai.extract.pdf_performance import _Form

_LEVEL_WEIGHT = lazy_pattern(r"[（(]?\d+(?:\.\d+)?分?[）)]?$")  # 产出指标（50分）, 满意度指标10: the weight, not the name
_OPERATOR = lazy_pattern(r"^(≥|≧|>=|＞＝|≤|≦|<=|＜＝|>|＞|<|＜|=|＝)\s*")
_OPERATORS = {"≥": ">=", "≧": ">=", "＞＝": ">=", "≤": "<=", "≦": "<=", "＜＝": "<=", "＞": ">", "＜": "<",
              "＝": "="}
_NUMBER = lazy_pattern(r"^-?[\d,]+(?:\.\d+)?%?$")
# The score line under the indicators: 指标自评得分小计 90 | 预算执行率得分 9.31 | 减分项 0 | 绩效自评总得分 99.31
_SCORE_LABELS = (
    ("subtotal", lazy_pattern(r"得分小计$|^小计$")),
    ("execution", lazy_pattern(r"执行率得分$")),
    ("deduction", lazy_pattern(r"^减分项?$")),
    ("total", lazy_pattern(r"^(?:绩效)?(?:自评)?总得?分$|^合计$")),
)

# Indicator columns by heading (boxes joined, spaces dropped), tried in order.
_INDICATOR_COLUMNS = (
    ("level1", lazy_pattern(r"^一级指标$")),
    ("level2", lazy_pattern(r"^二级指标$")),
    ("level3", lazy_pattern(r"^(?:三级指标|指标内容|指标名称)$")),
    ("operator", lazy_pattern(r"^(?:运算)?符号$")),
    ("unit", lazy_pattern(r"^(?:度量|计量)单位$")),
    ("target", lazy_pattern(r"(?:指标值|目标值)$|^内容$")),
    ("actual", lazy_pattern(r"(?:完成值|实际完成)$")),
    ("completion", lazy_pattern(r"^(?:完成率|完成程度|完成比例)")),
    ("weight", lazy_pattern(r"^(?:分值|权重)")),
    ("score", lazy_pattern(r"^得分$")),
    ("reason", lazy_pattern(r"原因")),
)

_INDICATOR_HEADING = lazy_pattern(r"^一级指标$")


def _indicators(form: _Form) -> tuple[list[Indicator], dict[str, float | None]]:
    """The indicator rows under 一级指标 … 得分, and the scores of the 总分 (or 得分小计 … 总得分) row."""
    heading = form.find(_INDICATOR_HEADING)
    if heading is None:
        return [], {}
    grid = form.parts[heading.part].grid
    columns = _columns(grid, heading.box)
    anchor = columns.get("score") or columns.get("weight")
    if anchor is None or "level3" not in columns:
        return [], {}
    indicators: list[Indicator] = []
    levels: list[str | None] = [None, None]
    top = max(box.bottom for box in _heading_row(grid, heading.box))
    for index in range(heading.part, len(form.parts)):
        grid = form.parts[index].grid
        start = top if index == heading.part else grid.top
        for upper, lower in grid.row_bounds(anchor, start, grid.bottom):
            y = (upper + lower) / 2
            texts = {key: grid.text_at(x, y) for key, x in columns.items()}
            scores = _score_row(grid, y, columns.get("score"))
            if scores:
                return indicators, scores
            if not texts["level3"] and not texts.get("score") and not texts.get("weight"):
                continue
            if squeeze(texts.get("level1", "")) == "一级指标":
                continue  # the heading repeated on a new page
            source = grid.source(form.file, grid.box_at(columns["level3"], y), grid.box_at(anchor, y))
            indicators.append(_indicator(texts, levels, source))
    return indicators, {}


def _score_row(grid: Grid, y: float, score_x: float | None) -> dict[str, float | None]:
    """The scores a row states by label (总分; 指标自评得分小计, 执行率得分, 减分项, 总得分), each the first number
    after its label — a 总分 the 得分 column's (the 分值 column holds its 100) — or {} for any other row."""
    boxes = sorted((box for box in grid.words if box.top < y < box.bottom), key=lambda b: b.x0)
    texts = [squeeze(grid.text(box)) for box in boxes]
    scores: dict[str, float | None] = {}
    for index, text in enumerate(texts):
        key = next((key for key, pattern in _SCORE_LABELS if pattern.search(text)), None)
        if key is None or key in scores:
            continue
        scores[key] = next((_number(t) for t in texts[index + 1:] if _number(t) is not None), None)
    if "total" in scores and score_x is not None and "subtotal" not in scores:
        scores["total"] = _number(grid.text_at(score_x, y))
    return scores


def _heading_row(grid: Grid, heading: Box) -> list[Box]:
    """The heading boxes of the indicator block: right of 一级指标, overlapping its height."""
    return [box for box in grid.boxes()
            if box.x0 >= heading.x0 - 1 and box.top < heading.bottom - 1 and box.bottom > heading.top + 1]


def _columns(grid: Grid, heading: Box) -> dict[str, float]:
    """Column key → x of its centre, from the heading boxes."""
    columns: dict[str, float] = {}
    for box in sorted(_heading_row(grid, heading), key=lambda b: (-b.top, b.x0)):  # a group's sub-columns first
        text = squeeze(grid.text(box))
        for key, pattern in _INDICATOR_COLUMNS:
            if key not in columns and pattern.search(text):
                columns[key] = box.cx
                break
    return columns


def _indicator(texts: dict[str, str], levels: list[str | None], source: Source) -> Indicator:
    """One indicator row; an empty 一级/二级 box (a merged box cut by a page break) keeps the row above's name."""
    level1 = _level_name(texts.get("level1")) or levels[0]
    level2 = _level_name(texts.get("level2")) or (levels[1] if level1 == levels[0] else None)
    levels[:] = [level1, level2]
    operator, target = _operator(texts.get("target") or None)
    operator = _OPERATORS.get(texts.get("operator", ""), texts.get("operator")) or operator
    return Indicator(level1=level1, level2=level2, level3=texts["level3"], operator=operator, target=target,
                     unit=texts.get("unit") or None, actual=texts.get("actual") or None,
                     completion=texts.get("completion") or None,
                     weight=_number(texts.get("weight")), score=_number(texts.get("score")), source=source,
                     deviation_reason=texts.get("reason") or None)


def _level_name(text: str | None) -> str | None:
    if not text:
        return None
    return _LEVEL_WEIGHT.sub("", squeeze(text)) or None


def _operator(text: str | None) -> tuple[str | None, str | None]:
    """'≧60万人次' → ('>=', '60万人次'); a target without a leading operator is kept whole."""
    if text is None:
        return None, None
    match = _OPERATOR.match(text)
    if match is None or match.end() == len(text):
        return None, text
    return _OPERATORS.get(match[1], match[1]), text[match.end():]


def _number(text: str | None) -> float | None:
    if not text:
        return None
    compact = squeeze(text).replace(",", "")
    if not _NUMBER.match(compact):
        return None
    return float(compact.rstrip("%"))
