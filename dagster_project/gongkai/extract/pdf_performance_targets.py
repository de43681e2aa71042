"""Performance-target tables of a budget (绩效目标表) printed as ruled grids in a PDF, read box by box.

A title line ending in 绩效目标表 or 绩效目标申报表 (…项目绩效目标表, 项目支出绩效目标表, 部门整体绩效目标表,
…专项资金绩效目标表（一级项目）, a title wrapped so that its last line is 绩效目标表 alone) starts a table; the grid below it, continued on the
next pages that start inside the ruling (:func:`pdf_performance._parts`), is read by its labels, never by position.
Two layouts:

* a form, one project (or the department's whole) per table, like the self-evaluation forms of a final
  (:mod:`pdf_performance`): 项目名称 / 主管部门 / 实施单位 and the box right of each, the funding rows (年度资金总额 /
  实施期资金总额 / 资金总额, 财政拨款, 其他资金; a 部门整体 form's 年度主要任务 block, each task with its budget, and
  its 金额合计), the goal box (年度总体目标 / 年度目标 / 当年整体绩效目标, right of
  or below its label) and the indicator rows (:mod:`pdf_target_indicators`);
* a list, many projects per table (单位（项目）名称 | 资金总额 | 绩效目标 | 一级指标 …): each project a merged box
  over its indicator rows.

A form's empty 一级/二级 box is NULL (the page shows none); only a merged box cut by a page break gives the next
page's first rows its name.
"""

from __future__ import annotations

import re

from gongkai.extract.lazy_pattern import lazy_pattern
from gongkai.extract.pdf_grid import Grid
from gongkai.extract.pdf_performance import _brackets, _Form, _parts
from gongkai.extract.pdf_performance_indicators import _number
from gongkai.extract.pdf_target_indicators import Columns, indicator_columns, indicator_rows, row_texts
from gongkai.extract.records import Document, Line, PerformanceTarget, Source, TargetTask
from gongkai.extract.text import squeeze

_TITLE = lazy_pattern(r"绩效目标(?:申报)?表(?:（[^（）]{1,12}）)?$")
_MAX_TITLE = 80
_NAME = lazy_pattern(r"^(?:项目|专项资金|政策)(?:（政策）)?名称$")
_UNIT_NAME_BOX = lazy_pattern(r"^(?:部门|单位)(?:（单位）)?名称$")
_UNIT_NAME_LINE = lazy_pattern(r"^(?:部门|单位)(?:（单位）)?名称[:：]\s*(?P<name>\S.*?)(?:\s+单位[:：].*)?$")
_DEPARTMENT = lazy_pattern(r"^主管部门(?:及代码)?$")
_IMPLEMENTING_UNIT = lazy_pattern(r"^实施单位$")
_TOTAL = lazy_pattern(r"^(?:年度|实施期|当年)?(?:预算)?(?:资金总额|预算)[:：]?$")
_FISCAL = lazy_pattern(r"^(?:其中[:：])?财政拨款$")
_CARRYOVER = lazy_pattern(r"^上年结转$")
_OTHER = lazy_pattern(r"^其他资金$")
_GOAL = lazy_pattern(r"^(?:年度|当年)?(?:总体|整体)?(?:绩效)?目标$")
_TASK_HEADING = lazy_pattern(r"^任务名称$")
_TASK_TOTAL = lazy_pattern(r"^金额合计$")
_TASK_AMOUNT = lazy_pattern(r"^总额$")
_MIN_GOAL = 15
_UNIT_IN_LABEL = lazy_pattern(r"（(万元|元)）$")
_UNIT_LINE = lazy_pattern(r"单位[:：]\s*(万元|元)\s*$")

# A list of projects: its column headings
_LIST_NAME = lazy_pattern(r"^(?:单位（项目）名称|项目名称|单位名称)$")
_LIST_AMOUNT = lazy_pattern(r"^(?:资金总额|金额|预算数)|预算金额$")
_LIST_GOAL = lazy_pattern(r"^(?:当年|年度)?(?:整体)?(?:绩效)?目标$")
_LIST_TOTAL_ROW = ("合计", "总计")


def read_target_tables(document: Document) -> list[PerformanceTarget]:
    """Every performance-target table of a PDF budget read as a ruled grid, in order of appearance."""
    geometry = {geo.page: geo for geo in document.geometry or []}
    titles = [line for line in document.lines if "绩效目标" in line.text and _is_title(line.text)]
    targets: list[PerformanceTarget] = []
    seen: set[Source] = set()
    for index, title in enumerate(titles):
        following = titles[index + 1] if index + 1 < len(titles) else None
        parts = _target_parts(geometry, title, following)
        if not parts:
            continue
        form = _Form(document.file, parts)
        unit = _printed_unit(document, form, title)
        columns = indicator_columns(form)
        if _is_list(form, columns):
            found = _read_list(form, columns, title, unit)
        else:
            found = [record for record in [_read_form(document, form, columns, title, unit)] if record is not None]
        for record in found:
            if record.source in seen:
                continue
            seen.add(record.source)
            if targets and _continues(targets[-1], record):
                targets[-1].indicators.extend(record.indicators)
            else:
                targets.append(record)
    return targets


def _target_parts(geometry: dict, title: Line, following: Line | None) -> list:
    """The table's grid: below its title, continued on the next pages that start inside the ruling — unless the next
    title is on the same page (the table ends above it; the next page's ruling is that table's)."""
    parts = _parts(geometry, title, following)
    return parts[:1] if following is not None and following.page == title.page else parts


def _is_title(text: str) -> bool:
    compact = _brackets(squeeze(text))
    return len(compact) <= _MAX_TITLE and _TITLE.search(compact) is not None and "自评" not in compact


def _continues(last: PerformanceTarget, record: PerformanceTarget) -> bool:
    """A project of a list cut by a page break: its name, amount and goal printed again over the next rows."""
    return (last.title, last.name, last.amount_total, last.goal_text) == \
        (record.title, record.name, record.amount_total, record.goal_text)


def _title_text(document: Document, title: Line) -> str:
    """The title, with the line above joined when the title is the wrapped 绩效目标表 alone."""
    compact = squeeze(title.text)
    if not compact.startswith("绩效目标表"):
        return compact
    above = next((line for line in document.lines if line.page == title.page and line.line == title.line - 1), None)
    return squeeze(above.text) + compact if above is not None else compact


# ------------------------------------------------------------------------------------------------------- forms


def _kind(title: Line) -> str:
    return "unit" if "整体" in title.text else "project"


def _read_form(document: Document, form: _Form, columns: Columns | None, title: Line,
               unit: str | None) -> PerformanceTarget | None:
    """A form: one project (项目名称 …) or the department's whole (整体 in its title); None for a blank form."""
    kind = _kind(title)
    name_label = form.find(_NAME) or form.find(_UNIT_NAME_BOX)
    name = form.right_of(name_label) if name_label is not None else _unit_name_line(document, title)
    indicators = indicator_rows(form, columns) if columns else []
    if not name and not indicators:
        return None
    factor = _factor(unit)
    source = form.source(name_label) if name_label is not None else Source(document.file, title.page, title.line)
    funds = _task_funds(form, factor) or {
        "total": _amount(form, _TOTAL, factor), "fiscal": _amount(form, _FISCAL, factor),
        "carryover": _amount(form, _CARRYOVER, factor), "other": _amount(form, _OTHER, factor)}
    return PerformanceTarget(
        kind=kind, title=_title_text(document, title), name=squeeze(name) if name else None,
        department=form.right_of(form.find(_DEPARTMENT)) or None,
        implementing_unit=form.right_of(form.find(_IMPLEMENTING_UNIT)) or None,
        amount_total=funds["total"], amount_fiscal=funds["fiscal"], amount_carryover=funds.get("carryover"),
        amount_other=funds["other"], amount_unit=unit, goal_text=_goal(form), indicators=indicators, source=source,
        weight_total=columns.weight_total if columns else None, tasks=_tasks(form, factor),
    )


def _factor(unit: str | None) -> float:
    """万元 per printed unit: a table in 元 is converted (×0.0001, rounded only to float noise)."""
    return 1e-4 if unit == "元" else 1.0


def _unit_name_line(document: Document, title: Line) -> str | None:
    """单位名称：重庆市气象局, printed on a line between the title and the grid."""
    for line in document.lines:
        if line.page == title.page and title.line < line.line <= title.line + 3:
            match = _UNIT_NAME_LINE.match(line.text.strip())
            if match:
                return match["name"]
    return None


def _amount(form: _Form, label: re.Pattern, factor: float) -> float | None:
    value = _number(form.right_of(form.find(label)))
    return None if value is None else round(value * factor, 6)


def _task_funds(form: _Form, factor: float) -> dict[str, float | None] | None:
    """A 部门整体 form's funds: its task block's 金额合计 row (总额, and 财政拨款 / 其他资金 under their headings)."""
    total = form.find(_TASK_TOTAL)
    if total is None or form.find(_TASK_HEADING) is None:
        return None
    grid = form.parts[total.part].grid
    columns = _task_columns(grid, total)
    funds = {"total": _amount(form, _TASK_TOTAL, factor)}
    for key in ("fiscal", "other"):
        funds[key] = _scaled(grid.text_at(columns[key], total.box.cy), factor) if key in columns else None
    return funds


def _tasks(form: _Form, factor: float) -> list[TargetTask]:
    """A 部门整体 form's 年度主要任务: one per ruled row of the 任务名称 column between its heading and the 金额合计
    row, with its 预算金额 (总额 / 财政拨款 / 其他资金) read under their headings."""
    heading, total = form.find(_TASK_HEADING), form.find(_TASK_TOTAL)
    if heading is None or total is None or heading.part != total.part:
        return []
    grid = form.parts[heading.part].grid
    columns = _task_columns(grid, total)
    tasks = []
    for upper, lower in grid.row_bounds(heading.box.cx, heading.box.bottom, total.box.top):
        y = (upper + lower) / 2
        name = squeeze(grid.text_at(heading.box.cx, y))
        if not name:
            continue
        amounts = {key: _scaled(grid.text_at(columns[key], y), factor) if key in columns else None
                   for key in ("total", "fiscal", "other")}
        tasks.append(TargetTask(name=name, amount_total=amounts["total"],
                                amount_fiscal=amounts["fiscal"], amount_other=amounts["other"],
                                source=grid.source(form.file, grid.box_at(heading.box.cx, y))))
    return tasks


def _task_columns(grid: Grid, total) -> dict[str, float]:
    """Where the task block's columns are: x of the heading boxes above its 金额合计 row."""
    above = [box for box in grid.boxes() if box.bottom <= total.box.top + 1]
    columns = {}
    for key, pattern in (("total", _TASK_AMOUNT), ("fiscal", _FISCAL), ("other", _OTHER)):
        box = next((box for box in above if pattern.search(squeeze(grid.text(box)))), None)
        if box is not None:
            columns[key] = box.cx
    return columns


def _scaled(text: str | None, factor: float) -> float | None:
    value = _number(text)
    return None if value is None else round(value * factor, 6)


def _goal(form: _Form) -> str | None:
    """The goal box right of its label (年度目标 | text), else below it (当年整体绩效目标 over the text)."""
    label = form.find(_GOAL)
    if label is None:
        return _goal_below_funds(form)
    grid = form.parts[label.part].grid
    if grid.box_at(label.box.x1 + 2, label.box.cy) is not None:
        return form.right_of(label) or None
    return form.below(label) or None


def _goal_below_funds(form: _Form) -> str | None:
    """A goal whose label box is not closed (a vertical 年度总体目标 at the foot of a page): the first box under the
    funding rows, when it is prose (at least _MIN_GOAL characters)."""
    funds = form.find(_OTHER) or form.find(_FISCAL) or form.find(_TOTAL)
    if funds is None:
        return None
    grid = form.parts[funds.part].grid
    below = [box for box in grid.boxes() if box.top >= funds.box.bottom - 1]
    if not below and funds.part + 1 < len(form.parts):
        grid = form.parts[funds.part + 1].grid
        below = grid.boxes()
    text = grid.text(below[0]) if below else ""
    return text if len(squeeze(text)) >= _MIN_GOAL else None


def _printed_unit(document: Document, form: _Form, title: Line) -> str | None:
    """万元 or 元: from a label (项目资金（万元）), else from 单位：万元 printed between the title and the grid."""
    for part in form.parts:
        for box in part.grid.boxes():
            match = _UNIT_IN_LABEL.search(_brackets(squeeze(part.grid.text(box))))
            if match:
                return match[1]
    first = form.parts[0].grid.first_line()
    for line in document.lines:
        if line.page == title.page and title.line <= line.line < first.line:
            match = _UNIT_LINE.search(squeeze(line.text))
            if match:
                return match[1]
    return None


# ------------------------------------------------------------------------------------------------------- lists


def _is_list(form: _Form, columns: Columns | None) -> bool:
    """A list: its name column's heading ends where the indicator headings end (one heading band)."""
    name = form.find(_LIST_NAME)
    return columns is not None and name is not None and name.part == columns.part \
        and abs(name.box.bottom - columns.bottom) <= 3


def _read_list(form: _Form, columns: Columns, title: Line, unit: str | None) -> list[PerformanceTarget]:
    """One target per project box (a merged box over the project's indicator rows)."""
    heading = form.find(_LIST_NAME)
    grid = form.parts[heading.part].grid
    band = [b for b in grid.boxes() if b.top >= heading.box.top - 1 and b.bottom <= heading.box.bottom + 1
            and not b.x0 >= min(columns.xs.values())]
    xs = {"name": heading.box.cx}
    for key, pattern in (("amount", _LIST_AMOUNT), ("goal", _LIST_GOAL)):
        box = next((b for b in sorted(band, key=lambda b: b.x0) if pattern.search(squeeze(grid.text(b)))), None)
        if box is not None:
            xs[key] = box.cx
    factor = _factor(unit)
    groups: dict[tuple[int, object], list] = {}
    for part_index, rows in indicator_rows(form, columns, grouped=True):
        part_grid = form.parts[part_index].grid
        for y, indicator in rows:
            groups.setdefault((part_index, part_grid.box_at(xs["name"], y)), []).append((y, indicator))
    targets = []
    for (part_index, _), rows in groups.items():
        target = _list_target(form, form.parts[part_index].grid, xs, rows, title, unit, factor, columns.weight_total)
        if target is not None:
            targets.append(target)
    return targets


def _list_target(form: _Form, grid: Grid, xs: dict[str, float], rows: list, title: Line, unit: str | None,
                 factor: float, weight_total: float | None) -> PerformanceTarget | None:
    y = rows[0][0]
    texts = row_texts(grid, xs, y)
    name = squeeze(texts.get("name", ""))
    indicators = [indicator for _, indicator in rows if indicator is not None]
    if not name or name.startswith(_LIST_TOTAL_ROW) or not (indicators or texts.get("goal")):
        return None
    amount = _number(texts.get("amount"))
    return PerformanceTarget(
        kind=_kind(title), title=squeeze(title.text), name=name, department=None, implementing_unit=None,
        amount_total=None if amount is None else round(amount * factor, 6), amount_fiscal=None,
        amount_carryover=None, amount_other=None,
        amount_unit=unit, goal_text=texts.get("goal") or None, indicators=indicators,
        source=grid.source(form.file, grid.box_at(xs["name"], y)), weight_total=weight_total,
    )
