"""Lists of projects and their annual goals (重点项目绩效目标情况, 项目支出绩效表) printed as ruled tables without
indicator rows: one row per project with its name, the unit that runs it where printed, its amount and its goal.

Found by structure, not by title: a ruled heading row holding a project-name heading (项目 / 项目名称 / 一级项目名称), an
amount heading (金额, 预算数) and a 绩效目标 heading, and no indicator heading (those tables are read by
:mod:`pdf_performance_targets`). The list continues on the next pages that start inside the ruling; a row whose name
box is blank at the top of such a page is the goal of the project above, cut by the page break.
"""

from __future__ import annotations

from gongkai.extract.lazy_pattern import lazy_pattern
from gongkai.extract.pdf_grid import Box, Grid, page_grid
from gongkai.extract.pdf_performance import _brackets, _starts_in_ruling
from gongkai.extract.pdf_performance_indicators import _number
from gongkai.extract.records import Document, PerformanceTarget
from gongkai.extract.text import squeeze

_GOAL = lazy_pattern(r"^(?:年度)?绩效目标$")
_NAME = lazy_pattern(r"^(?:一级)?项目(?:名称)?$")
_UNIT = lazy_pattern(r"^(?:二级预算)?单位名称$")
_AMOUNT = lazy_pattern(r"^(?:金额|预算数|资金总额)")
_AMOUNT_WORDS = ("金额", "预算数", "资金总额")
_INDICATOR = lazy_pattern(r"指标")
_PRINTED_UNIT = lazy_pattern(r"（(?:单位[:：])?(万元|元)）$")
_UNIT_LINE = lazy_pattern(r"单位[:：](万元|元)$")
_TOTAL_ROW = ("合计", "总计")
_SAME_ROW = 3.0
_TITLE_LINES = 4  # lines above the heading row searched for the table's title


def read_goal_lists(document: Document) -> list[PerformanceTarget]:
    """The projects of every goal list of a PDF budget, in order of appearance."""
    geometry = {geo.page: geo for geo in document.geometry or []}
    pages = sorted({line.page for line in document.lines if _may_be_heading(line.text)})
    targets: list[PerformanceTarget] = []
    for page in pages:
        geo = geometry.get(page)
        grid = page_grid(geo, 0, geo.height) if geo is not None else None
        heading = _heading(grid) if grid is not None else None
        if heading is not None:
            targets.extend(_read(document, geometry, grid, heading))
    return targets


def _may_be_heading(text: str) -> bool:
    """A line that may be a goal list's heading row (项目名称 金额 绩效目标): the cheap test before a page's grid is built."""
    return "绩效目标" in text and "项目" in text and any(word in text for word in _AMOUNT_WORDS)


def _heading(grid: Grid) -> dict[str, Box] | None:
    """The heading boxes of a goal list on the page (name, amount, goal, unit where printed), else None."""
    for goal in (box for box in grid.boxes() if _GOAL.match(squeeze(grid.text(box)))):
        row = [box for box in grid.boxes()
               if abs(box.top - goal.top) <= _SAME_ROW and abs(box.bottom - goal.bottom) <= _SAME_ROW]
        found = {"goal": goal}
        for key, pattern in (("name", _NAME), ("amount", _AMOUNT), ("unit", _UNIT)):
            box = next((b for b in row if pattern.search(_brackets(squeeze(grid.text(b))))), None)
            if box is not None:
                found[key] = box
        texts = [squeeze(grid.text(box)) for box in row]
        if "name" in found and "amount" in found and not any(_INDICATOR.search(text) for text in texts):
            return found
    return None


def _read(document: Document, geometry: dict, grid: Grid, heading: dict[str, Box]) -> list[PerformanceTarget]:
    xs = {key: box.cx for key, box in heading.items()}
    unit = _printed_unit(document, grid, heading)
    title = _title(document, grid, heading["goal"])
    targets: list[PerformanceTarget] = []
    part, top, page = grid, heading["goal"].bottom, grid.page
    while True:
        for upper, lower in part.row_bounds(xs["name"], top, part.bottom):
            y = (upper + lower) / 2
            texts = {key: squeeze(part.text_at(x, y)) for key, x in xs.items()}
            if texts["name"] and not texts["name"].startswith(_TOTAL_ROW) and texts["goal"] != "绩效目标":
                amount = _number(texts["amount"])
                targets.append(PerformanceTarget(
                    kind="project", title=title, name=texts["name"], department=None,
                    implementing_unit=texts.get("unit") or None,
                    amount_total=None if amount is None else round(amount * (1e-4 if unit == "元" else 1.0), 6),
                    amount_fiscal=None, amount_carryover=None, amount_other=None, amount_unit=unit,
                    goal_text=part.text_at(xs["goal"], y) or None, indicators=[],
                    source=part.source(document.file, part.box_at(xs["name"], y))))
            elif not texts["name"] and texts["goal"] and targets and part is not grid and upper == _first(part, xs):
                targets[-1].goal_text = (targets[-1].goal_text or "") + part.text_at(xs["goal"], y)
        page += 1
        geo = geometry.get(page)
        if geo is None or not geo.lines or not _starts_in_ruling(geo):
            return targets
        part, top = page_grid(geo, 0, geo.height), 0.0
        if _heading(part) is not None:
            return targets  # a list of its own on the next page


def _first(grid: Grid, xs: dict[str, float]) -> float | None:
    """The top of the first ruled row of a continuation page."""
    bounds = grid.row_bounds(xs["name"], 0.0, grid.bottom)
    return next((upper for upper, lower in bounds if grid.box_at(xs["name"], (upper + lower) / 2)), None)


def _printed_unit(document: Document, grid: Grid, heading: dict[str, Box]) -> str | None:
    """万元 or 元: in the amount heading (预算数（单位：万元）), else on a 单位：万元 line above the table."""
    match = _PRINTED_UNIT.search(_brackets(squeeze(grid.text(heading["amount"]))))
    if match:
        return match[1]
    first = grid.line_of(heading["goal"])
    for line in document.lines:
        if line.page == grid.page and first is not None and first.line - _TITLE_LINES <= line.line < first.line:
            if (found := _UNIT_LINE.search(squeeze(line.text))) is not None:
                return found[1]
    return None


def _title(document: Document, grid: Grid, goal: Box) -> str:
    """The nearest of the lines right above the heading row (on the page before for a list at the top of a page) that
    speaks of 绩效 (表11：2026年市级部门项目支出绩效表; 本单位重点项目绩效目标情况如下), else the goal heading itself."""
    first = grid.line_of(goal)
    index = next((i for i, line in enumerate(document.lines) if line is first), None)
    above = [line for line in document.lines[max(0, (index or 0) - _TITLE_LINES):index or 0]
             if "绩效" in line.text]
    return squeeze(above[-1].text) if above else squeeze(grid.text(goal))
