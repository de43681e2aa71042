"""Self-evaluation tables (绩效自评表) printed as ruled forms in a PDF, read box by box (:mod:`pdf_grid`).

A title line ending in 绩效自评表 (…项目绩效自评表, …专项资金绩效自评表; …部门整体支出绩效自评表 for a unit) starts a
table; the form below it is read by its labels, never by position: 项目名称 / 主管部门 / 实施单位 and the value box
right of each, the 年度资金总额 row under the 全年预算数 / 全年执行数 / 执行率 / 得分 headings (else the value right
of 项目预算金额 / 全年执行数 / 执行率), the boxes under 预期目标 (年初设定目标) and 实际完成情况, the indicator rows
under 一级指标 … 得分 (one row per ruled row of the 得分 column; merged 一级/二级 boxes give every row they span their
name; a 年度目标值 group's 运算符号 / 内容 / 度量单位 columns), and the score row (总分, or 指标自评得分小计 …
预算执行率得分 … 减分项 … 绩效自评总得分, each the number after its label). A unit form has a task block
(任务名称, 全年预算数 / 全年执行数 with their 总额 column, 分值, 执行率, 得分) instead of the funding rows. A form
that does not fit the page continues on the next page when that page starts inside the ruling.

A title whose form cannot be read this way (no ruling, no 项目名称) is left to the line reader of :mod:`performance`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.extract.lazy_pattern import lazy_pattern
from gongkai.extract.pdf_grid import Box, Grid, page_grid, rule_index
from gongkai.extract.pdf_performance_indicators import _heading_row, _indicators, _number
from gongkai.extract.records import Document, Line, ProjectEvaluation, Source, UnitEvaluation, UnitTask
from gongkai.extract.text import squeeze

_TITLE = lazy_pattern(r"绩效自评表(?:（\d{4}年度?）)?$")
_MAX_TITLE = 80
_TOTAL_ROW = ("总分", "合计", "总计", "总得分", "金额合计")


@dataclass(slots=True)
class _Part:
    """The piece of a form on one page."""

    grid: Grid
    title: Line | None


@dataclass(slots=True)
class _Heading:
    part: int
    box: Box


class _Form:
    """A form over one or more pages: find a labelled box, read the box beside or below it."""

    def __init__(self, file: str, parts: list[_Part]):
        self.file = file
        self.parts = parts
        self._labels: list[list[tuple[Box, str]]] | None = None

    def find(self, pattern: re.Pattern) -> _Heading | None:
        """The first box (in reading order) whose text, spaces dropped, matches."""
        if self._labels is None:  # a form is searched for a dozen labels: its boxes' texts are compacted once
            self._labels = [[(box, _brackets(squeeze(part.grid.text(box)))) for box in part.grid.boxes()]
                            for part in self.parts]
        for index, labels in enumerate(self._labels):
            for box, text in labels:
                if pattern.search(text):
                    return _Heading(index, box)
        return None

    def right_of(self, heading: _Heading | None) -> str | None:
        """The value box right of a label box (项目名称 → the project's name)."""
        if heading is None:
            return None
        grid = self.parts[heading.part].grid
        return grid.text_at(heading.box.x1 + 2, heading.box.cy) or None

    def below(self, heading: _Heading | None) -> str | None:
        if heading is None:
            return None
        grid = self.parts[heading.part].grid
        return grid.text_at(heading.box.cx, heading.box.bottom + 2) or None

    def source(self, heading: _Heading) -> Source:
        return self.parts[heading.part].grid.source(self.file, heading.box)


def _brackets(text: str) -> str:
    return text.replace("(", "（").replace(")", "）")


def read_ruled_performance(document: Document) -> tuple[list[tuple[Line, object]], set[tuple[int, int]]]:
    """Every self-evaluation form of a PDF that reads as a ruled grid: (title line, record) in order, and the
    (page, line) of every line the forms cover, for the line reader to skip."""
    geometry = {geo.page: geo for geo in document.geometry or []}
    records: list[tuple[Line, object]] = []
    covered: set[tuple[int, int]] = set()
    titles = [line for line in document.lines if "自评表" in line.text and _is_title(line.text)]
    for index, title in enumerate(titles):
        following = titles[index + 1] if index + 1 < len(titles) else None
        parts = _parts(geometry, title, following)
        if not parts:
            continue
        form = _Form(document.file, parts)
        record = _read_unit(form) if "整体" in title.text else _read_project(form)
        if record is None:
            continue
        records.append((title, record))
        covered.add((title.page, title.line))
        for part in parts:
            covered.update((l.page, l.line) for placed in part.grid.words.values() for l in (p.line for p in placed))
    return records, covered


def _is_title(text: str) -> bool:
    compact = squeeze(text).replace("(", "（").replace(")", "）")
    return len(compact) <= _MAX_TITLE and _TITLE.search(compact) is not None


def _parts(geometry: dict, title: Line, following: Line | None) -> list[_Part]:
    """The title's page below it, then each next page that starts inside the ruling, up to the next title."""
    geo = geometry.get(title.page)
    if geo is None:
        return []
    top = _line_bottom(geo, title)
    bottom = _line_top(geo, following) if following is not None and following.page == title.page else geo.height
    parts = [_Part(page_grid(geo, top, bottom), title)]
    if not parts[0].grid.words:
        return []
    page = title.page + 1
    while (geo := geometry.get(page)) is not None and geo.lines and _starts_in_ruling(geo):
        if following is not None and following.page == page:
            bottom = _line_top(geo, following)
        else:
            bottom = geo.height
        grid = page_grid(geo, 0, bottom)
        if not grid.words:
            break
        parts.append(_Part(grid, None))
        if following is not None and following.page == page:
            break
        page += 1
    return parts


def _starts_in_ruling(geo) -> bool:
    first, box = geo.lines[0], geo.boxes[0]
    grid = Grid(geo.page, 0, geo.height, geo.h_rules, geo.v_rules, index=rule_index(geo))
    word = first.words[0] if first.words else None
    return word is not None and grid.box_at((word.x0 + word.x1) / 2, (box.top + box.bottom) / 2) is not None


def _line_bottom(geo, line: Line) -> float:
    for candidate, box in zip(geo.lines, geo.boxes):
        if candidate is line or (candidate.page, candidate.line) == (line.page, line.line):
            return box.bottom
    return 0.0


def _line_top(geo, line: Line) -> float:
    for candidate, box in zip(geo.lines, geo.boxes):
        if (candidate.page, candidate.line) == (line.page, line.line):
            return box.top
    return geo.height


# ------------------------------------------------------------------------------------------------------ projects


_PROJECT_NAME = lazy_pattern(r"^(?:项目|专项资金|政策)(?:（政策）)?名称$")
_DEPARTMENT = lazy_pattern(r"^主管部门(?:及代码)?$")
_UNIT = lazy_pattern(r"^实施单位$")
_FUNDS_ROW = lazy_pattern(r"^(?:年度)?资金总额")
_BUDGET_HEADING = lazy_pattern(r"^全年预算数")
_ACTUAL_HEADING = lazy_pattern(r"^全年执行数")
_BUDGET_LABEL = lazy_pattern(r"^(?:项目)?预算(?:金额|数)|^全年预算数")
_RATE_HEADING = lazy_pattern(r"^执行率")
_SCORE_HEADING = lazy_pattern(r"^得分$")
_TARGET_HEADING = lazy_pattern(r"^(?:年度)?预期目标|^年初设定目标")
_ACHIEVED_HEADING = lazy_pattern(r"^(?:目标|全年)?实际完成情况$")


def _read_project(form: _Form) -> ProjectEvaluation | None:
    name = form.find(_PROJECT_NAME)
    if name is None:
        return None
    funds = _project_funds(form)
    goal = _goal(form)
    indicators, scores = _indicators(form)
    execution = funds["score"] if funds.get("score") is not None else scores.get("execution")
    return ProjectEvaluation(
        name=form.right_of(name) or "", department=form.right_of(form.find(_DEPARTMENT)),
        implementing_unit=form.right_of(form.find(_UNIT)), budget=funds.get("budget"), actual=funds.get("actual"),
        execution_rate_pct=funds.get("rate"), target_text=goal[0], achievement_text=goal[1], indicators=indicators,
        indicator_subtotal=scores.get("subtotal"), execution_score=execution, deduction=scores.get("deduction"),
        total_score=scores.get("total"), source=form.source(name),
    )


def _project_funds(form: _Form) -> dict[str, float | None]:
    """全年预算数, 全年执行数, 执行率 and 得分 of the 年度资金总额 row; without such a row, the value right of each
    label (项目预算金额（万元） 1079.03 | 全年执行数（万元） 1004.87 | 执行率 93.13%)."""
    row = form.find(_FUNDS_ROW)
    if row is None:
        return {key: _number(form.right_of(form.find(pattern))) for key, pattern in (
            ("budget", _BUDGET_LABEL), ("actual", _ACTUAL_HEADING), ("rate", _RATE_HEADING))}
    grid = form.parts[row.part].grid
    out: dict[str, float | None] = {}
    for key, pattern in (("budget", _BUDGET_HEADING), ("actual", _ACTUAL_HEADING), ("rate", _RATE_HEADING),
                         ("score", _SCORE_HEADING)):
        heading = _heading_above(grid, row.box, pattern)
        if heading is not None:
            out[key] = _number(grid.text_at(heading.cx, row.box.cy))
    return out


def _heading_above(grid: Grid, row: Box, pattern: re.Pattern) -> Box | None:
    """The nearest box above a row whose text matches (a column heading of that row)."""
    found = [box for box in grid.boxes() if box.bottom <= row.top + 1 and pattern.search(squeeze(grid.text(box)))]
    return max(found, key=lambda b: b.bottom, default=None)


def _goal(form: _Form) -> tuple[str | None, str | None]:
    """The boxes under 预期目标（年初设定） and 实际完成情况."""
    target = form.find(_TARGET_HEADING)
    if target is None:
        return None, None
    achieved = form.find(_ACHIEVED_HEADING)
    if achieved is not None and achieved.part == target.part and abs(achieved.box.cy - target.box.cy) > 2:
        achieved = None
    return form.below(target), form.below(achieved)


# --------------------------------------------------------------------------------------------------------- units


_UNIT_NAME = lazy_pattern(r"^(?:部门(?:（单位）)?|单位)名称$")
_TASK_HEADING = lazy_pattern(r"^任务名称$")
_TASK_TOTAL_COLUMN = lazy_pattern(r"^(?:总额|合计|小计)$")


def _read_unit(form: _Form) -> UnitEvaluation | None:
    name = form.find(_UNIT_NAME)
    if name is None:
        return None
    tasks = _tasks(form)
    goal = _goal(form)
    indicators, scores = _indicators(form)
    if not tasks and not indicators:
        return None
    return UnitEvaluation(
        unit_code=None, unit_name=form.right_of(name) or "", budget_income=None, budget_expenditure=None,
        tasks=tasks, target_text=goal[0], achievement_text=goal[1], indicators=indicators,
        total_score=scores.get("total"),
        source=form.source(name),
    )


def _tasks(form: _Form) -> list[UnitTask]:
    """年度主要任务: name, 全年预算数 总额, 全年执行数 总额, 执行率, 分值, 得分 of each ruled row."""
    heading = form.find(_TASK_HEADING)
    if heading is None:
        return []
    grid = form.parts[heading.part].grid
    row = _heading_row(grid, heading.box)
    columns = {"name": heading.box.cx}
    for key, pattern in (("allocated", _BUDGET_HEADING), ("executed", _ACTUAL_HEADING)):
        group = next((b for b in row if pattern.search(squeeze(grid.text(b)))), None)
        if group is not None:
            columns[key] = _total_column(grid, group)
    for key, pattern in (("weight", re.compile(r"^分值")), ("rate", _RATE_HEADING), ("score", _SCORE_HEADING)):
        box = next((b for b in row if pattern.search(squeeze(grid.text(b)))), None)
        if box is not None:
            columns[key] = box.cx
    if "score" not in columns:
        return []
    tasks: list[UnitTask] = []
    top = max(box.bottom for box in row)
    for upper, lower in grid.row_bounds(columns["score"], top, grid.bottom):
        y = (upper + lower) / 2
        texts = {key: grid.text_at(x, y) for key, x in columns.items()}
        if not texts["name"] or squeeze(texts["name"]).startswith(_TOTAL_ROW):
            break
        source = grid.source(form.file, grid.box_at(columns["score"], y), grid.box_at(columns["name"], y))
        tasks.append(UnitTask(squeeze(texts["name"]), _number(texts.get("allocated")), _number(texts.get("executed")),
                              _number(texts.get("rate")), _number(texts.get("weight")), _number(texts.get("score")),
                              source))
    return tasks


def _total_column(grid: Grid, group: Box) -> float:
    """The 总额 column under a 全年预算数（万元） heading, else the heading's own column."""
    below = [b for b in grid.boxes() if b.top >= group.bottom - 1 and b.top <= group.bottom + 1
             and group.x0 - 1 <= b.cx <= group.x1 + 1 and _TASK_TOTAL_COLUMN.match(squeeze(grid.text(b)))]
    return below[0].cx if below else group.cx
