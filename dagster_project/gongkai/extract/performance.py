"""Performance self-evaluation tables (绩效自评表) of a report's attachments (附件).

Two table kinds are read, each found by its title, never by position:

* 项目(政策)绩效自评表 / 项目支出绩效自评表 → :class:`ProjectEvaluation`;
* 部门(单位)整体绩效自评表 / 部门整体支出绩效自评表 → :class:`UnitEvaluation`.

Text dumps of these tables wrap every cell over several lines: a row's numbers are printed on one line, and the
indicator names (一级/二级/三级指标), qualitative targets and achievements come as fragments on the lines before it.
Level names are recognised from the standard indicator frameworks (产出指标/数量指标…, 履职效能/预算执行效率…);
the remaining fragments of a qualitative row are split into 三级指标 / 指标值 / 完成值 by the geometry of wrapped
cells (every line of a cell but its last is full width). The parser reads a single pass over the lines and never
raises on odd input: what it cannot place is reported as a :class:`ParseIssue`. The forms' words are in
:mod:`performance_vocabulary`, the reading of a line in :mod:`performance_lines`, the indicator rows and the goal
text in :mod:`performance_indicators`; forms printed as ruled grids in a PDF are read by :mod:`pdf_performance`.
"""

from __future__ import annotations

import re

from gongkai.extract.families import match_family
from gongkai.extract.performance_indicators import _IndicatorReader, split_goal_text
from gongkai.extract.performance_lines import (
    _PROJECT_VOCABULARY,
    _UNIT_VOCABULARY,
    _Vocabulary,
    _brackets,
    _join,
    _number,
    _parse_numbers,
)
from gongkai.extract.performance_standard_rows import standard_indicators
from gongkai.extract.performance_vocabulary import (
    _BUDGET,
    _DEDUCTION,
    _DEPARTMENT,
    _EXECUTED,
    _EXECUTION_SCORE,
    _FUNDS_ROW,
    _GOAL_HEADER,
    _IMPLEMENTING_UNIT,
    _INDICATOR_START,
    _MAX_STRAY_LINES,
    _NAMED_PROJECT_TITLE,
    _PART_HEADING,
    _PROJECT_NAME,
    _PROJECT_TITLE,
    _PROJECT_TOTAL,
    _RATE,
    _SUBTOTAL,
    _TASK_LABEL,
    _TASK_ROW,
    _TOTAL_ROW,
    _UNIT_EXPENDITURE,
    _UNIT_INCOME,
    _UNIT_NAME,
    _UNIT_TITLE,
    _UNIT_TOTAL,
)
from gongkai.extract.records import Document, Line, ParseIssue, ProjectEvaluation, UnitEvaluation, UnitTask
from gongkai.extract.text import squeeze

_DASHES = ("-", "—", "－")
_FUNDS_LABELS = ("项目资金", "（万元）", "年初预算", "年度资金总额")  # the funds block under 主管部门 / 实施单位


def _ruled_forms(document: Document) -> tuple[list, set]:
    from gongkai.extract.pdf_performance import read_ruled_performance  # PDFs only: a text report skips its import

    return read_ruled_performance(document)


def read_performance(document: Document) -> tuple[list[ProjectEvaluation], list[UnitEvaluation], list[ParseIssue]]:
    """Read every 项目(政策)绩效自评表 and 部门(单位)整体绩效自评表 of a document, in order of appearance.

    In a PDF, forms printed as ruled grids are read box by box (:mod:`pdf_performance`); the rest line by line."""
    ruled, covered = _ruled_forms(document) if document.geometry else ([], set())
    projects = [record for _, record in ruled if isinstance(record, ProjectEvaluation)]
    units = [record for _, record in ruled if isinstance(record, UnitEvaluation)]
    issues: list[ParseIssue] = []
    parser: _TableParser | None = None
    for line in document.lines:
        if covered and (line.page, line.line) in covered:
            continue
        kind = _title_kind(line.text) if "自评表" in line.text else None  # (the cheap test of _title_kind, inlined)
        if kind is not None:
            _finish(parser, projects, units, issues)
            parser = _ProjectParser(document.file, line) if kind == "project" else _UnitParser(document.file, line)
        elif parser is not None and not parser.closed:
            if _ends_self_evaluations(line.text):
                _finish(parser, projects, units, issues)
                parser = None
            else:
                parser.feed(line)
    _finish(parser, projects, units, issues)
    if ruled:
        projects.sort(key=_position)
        units.sort(key=_position)
    return projects, units, issues


def _position(record: ProjectEvaluation | UnitEvaluation) -> tuple[int, int]:
    return record.source.page or 0, record.source.line or 0


def _ends_self_evaluations(text: str) -> bool:
    """A part heading (第三部分 …决算表) or a standard table's title: the self-evaluation table before it has ended."""
    if "部分" not in text and "表" not in text:
        return False
    compact = squeeze(text)
    return bool(_PART_HEADING.match(compact)) or len(compact) <= 40 and match_family(compact) is not None


def _title_kind(text: str) -> str | None:
    """'project' for a 项目(政策)绩效自评表 title line, 'unit' for a 部门(单位)整体绩效自评表 title, else None."""
    if "自评表" not in text:
        return None
    flat = _brackets(squeeze(text))
    if _UNIT_TITLE.match(flat):
        return "unit"
    if _PROJECT_TITLE.match(flat) or _NAMED_PROJECT_TITLE.match(flat):
        return "project"
    return None


def _finish(parser, projects: list, units: list, issues: list[ParseIssue]) -> None:
    if parser is None:
        return
    record, table_issues = parser.finish()
    issues.extend(table_issues)
    if isinstance(record, ProjectEvaluation):
        projects.append(record)
    elif isinstance(record, UnitEvaluation):
        units.append(record)


# ----------------------------------------------------------------------------------------------------- the tables


class _TableParser:
    """Common state of a table parser: its file, title line, phase and issues."""

    vocabulary: _Vocabulary = _PROJECT_VOCABULARY

    def __init__(self, file: str, title: Line):
        self.file = file
        self.title = title
        self.phase = "meta"
        self.closed = False
        self.goal: list[Line] = []
        self.reader = _IndicatorReader(file, self.vocabulary)
        self.issues: list[ParseIssue] = []

    def feed(self, line: Line) -> None:
        raise NotImplementedError

    def finish(self):
        raise NotImplementedError

    def _goal_line(self, line: Line) -> None:
        if _starts_indicators(line.text):
            self.phase = "rows"
            self.reader.text(line)
        else:
            self.goal.append(line)

    def _indicator_line(self, line: Line, late: bool = False) -> bool:
        numbers = _parse_numbers(line.text)
        if numbers is None:
            return False
        self.reader.row(line, numbers, late)
        return True

    def _goal_texts(self, stray: list[str]) -> tuple[str | None, str | None]:
        target, achievement, decided = split_goal_text(self.goal)
        if stray:
            self.issues.append(ParseIssue("info", "stray_target_text",
                                          "text printed after the table taken as the continuation of 年初设定目标",
                                          self.title.source(self.file)))
            if decided:
                target = _join([target or "", *stray])
            else:
                target, achievement = _join(stray), target
        elif not decided:
            self.issues.append(ParseIssue("info", "goal_text_unsplit",
                                          "could not tell 年初设定目标 from 全年实际完成情况; both kept as target",
                                          self.title.source(self.file)))
        return target, achievement

    def _truncated(self, what: str) -> None:
        self.issues.append(ParseIssue("warning", "table_truncated",
                                      f"{self.title.text}: the table ends before its {what}",
                                      self.title.source(self.file)))


class _ProjectParser(_TableParser):
    """项目(政策)绩效自评表: header fields, goal texts, indicator rows, the score line and stray lines after it."""

    vocabulary = _PROJECT_VOCABULARY

    def __init__(self, file: str, title: Line):
        super().__init__(file, title)
        self.name: str | None = None
        self.department: str | None = None
        self.implementing_unit: str | None = None
        self.budget = self.actual = self.rate = None
        self.amounts_line: Line | None = None
        self.unit_wrapped = False
        self.funds_row = False
        self.execution_weight: float | None = None
        self.row_lines: list[Line] = []
        self.total_weight: float | None = None  # the lines of the indicator rows, as printed
        self.scores: dict[str, float | None] = {}
        self.after: list[Line] = []

    def feed(self, line: Line) -> None:
        if self.phase == "meta":
            self._meta_line(line)
        elif self.phase == "goal":
            self._goal_line(line)
        elif self.phase == "rows":
            self._row_line(line)
        else:
            self._after_line(line)

    def _meta_line(self, line: Line) -> None:
        text = _brackets(line.text)
        if _GOAL_HEADER.match(squeeze(text)):
            self.phase = "goal"
        elif _starts_indicators(text):
            self.phase = "rows"
            self.reader.text(line)
        elif match := _PROJECT_NAME.match(text):
            self.name = match["value"].strip() or None
        elif match := _DEPARTMENT.match(text):
            self.department = match["value"].strip() or None
            self.implementing_unit = (match["unit"] or "").strip() or self.implementing_unit
            self.unit_wrapped = text.endswith("实施单位")  # its name on the lines below (西安市疾病预防控制中 / 心)
        elif self.unit_wrapped and not text.startswith(_FUNDS_LABELS):
            self.implementing_unit = (self.implementing_unit or "") + squeeze(text)
        elif match := _IMPLEMENTING_UNIT.match(text):
            self.implementing_unit = match["value"].strip() or None
        elif text.startswith(_FUNDS_LABELS):
            self.unit_wrapped = False
            if match := _FUNDS_ROW.search(text):
                self._funds_row(match["values"], line)
        elif match := _FUNDS_ROW.search(text):
            self._funds_row(match["values"], line)
        elif _BUDGET.search(text) or _EXECUTED.search(text):
            self._amounts(text, line)
        elif self.name is not None and self.department is None and self.amounts_line is None and len(text) < 30:
            self.name += text  # a wrapped project name

    def _amounts(self, text: str, line: Line) -> None:
        self.amounts_line = line
        for attribute, pattern in (("budget", _BUDGET), ("actual", _EXECUTED), ("rate", _RATE)):
            match = pattern.search(text)
            if match:
                setattr(self, attribute, _number(match["value"]))

    def _indicators(self) -> list:
        """The indicator rows: those of a form with a 年度资金总额 row (the Ministry of Finance's 项目支出绩效自评表) by
        :mod:`performance_standard_rows`, the others by the reader of the seed's layout."""
        if self.funds_row:
            return self._standard_indicators()
        self.issues.extend(self.reader.issues)
        return self.reader.indicators()

    def _standard_indicators(self) -> list:
        """The rows read from the text layer, kept where the form's own totals confirm they were told apart: their
        scores add up to the 总分 with the 执行率得分, or their weights to the 总分's 分值 (with the 执行率's, or
        alone); else a wrapped cell was taken for a row or a row was missed, and the rows are left to the PDF (an
        issue says so)."""
        rows = standard_indicators(self.row_lines, self.file)
        scores, weights = sum(r.score or 0 for r in rows), sum(r.weight or 0 for r in rows)
        execution, total = self.scores.get("execution") or 0, self.scores.get("total")
        candidates = ((scores + execution, total), (weights + (self.execution_weight or 0), self.total_weight),
                      (weights, self.total_weight))  # (a 总分 of 90 may count the indicators alone: 中职免学费补助)
        if any(expected is not None and abs(got - expected) <= 0.05 * len(rows) for got, expected in candidates):
            return rows
        self.issues.append(ParseIssue("warning", "indicators_not_read",
                                      f"{self.name}: the indicator rows read from the text layer do not add up to the "
                                      "form's 总分; left to the PDF", self.title.source(self.file)))
        return []

    def _funds_row(self, values: str, line: Line) -> None:
        """年度资金总额 [年初预算数] 全年预算数 全年执行数 [分值] 执行率 得分 (:func:`funds_columns`)."""
        funds = funds_columns(values.split())
        if funds is not None:
            self.amounts_line, self.funds_row = line, True
            self.budget, self.actual, self.rate, self.scores["execution"], self.execution_weight = funds

    def _row_line(self, line: Line) -> None:
        if "得分" in line.text and (_SUBTOTAL.search(line.text) or _PROJECT_TOTAL.search(line.text)):
            self.reader.close_reason()
            self._scores(line.text)
            self.phase = "after"
        elif match := _TOTAL_ROW.match(line.text):
            self.reader.close_reason()
            self.scores["total"] = _number(match["value"])
            self.total_weight = _number(match["weight"])
            self.phase = "after"
        elif self.funds_row:
            self.row_lines.append(line)
        elif not self._indicator_line(line):
            self.reader.text(line)

    def _scores(self, text: str) -> None:
        for key, pattern in (("subtotal", _SUBTOTAL), ("execution", _EXECUTION_SCORE),
                             ("deduction", _DEDUCTION), ("total", _PROJECT_TOTAL)):
            match = pattern.search(text)
            if match:
                self.scores[key] = _number(match["value"])

    def _after_line(self, line: Line) -> None:
        if self._indicator_line(line, late=True):
            self.issues.append(ParseIssue("info", "indicator_after_subtotal",
                                          f"{self.name}: an indicator row printed after the score line",
                                          line.source(self.file)))
            self.reader.drop_pending()
            self.after = []
            return
        self.reader.hold(line)
        self.after.append(line)
        if len(self.after) >= _MAX_STRAY_LINES:
            self.closed = True

    def finish(self) -> tuple[ProjectEvaluation | None, list[ParseIssue]]:
        if self.name is None and self.amounts_line is None:
            self._truncated("project name")
            return None, self.issues
        if self.phase != "after":
            self.reader.close_reason()
            self._truncated("score line (指标自评得分小计)")
        target, achievement = self._goal_texts(_stray_paragraph(self.after))
        indicators = self._indicators()
        anchor = self.amounts_line or self.title
        return ProjectEvaluation(
            name=self.name or "", department=self.department, implementing_unit=self.implementing_unit,
            budget=self.budget, actual=self.actual, execution_rate_pct=self.rate,
            target_text=target, achievement_text=achievement, indicators=indicators,
            indicator_subtotal=self.scores.get("subtotal"), execution_score=self.scores.get("execution"),
            deduction=self.scores.get("deduction"), total_score=self.scores.get("total"),
            source=anchor.source(self.file),
        ), self.issues


def _starts_indicators(text: str) -> bool:
    """绩效指标 / 一级指标 … heads the indicator rows (绩 一级指标: a vertical label's first character before it)."""
    return text.startswith(_INDICATOR_START) or "一级指标" in text[:8]


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


def _stray_paragraph(lines: list[Line]) -> list[str]:
    """The paragraph printed after a table's score line, up to its first sentence end."""
    out: list[str] = []
    for line in lines:
        out.append(line.text)
        if line.text.endswith("。"):
            break
    return out


class _UnitParser(_TableParser):
    """部门(单位)整体绩效自评表: unit, budget amounts, main tasks, goal texts, indicator rows and the total score."""

    vocabulary = _UNIT_VOCABULARY

    def __init__(self, file: str, title: Line):
        super().__init__(file, title)
        self.unit_code: str | None = None
        self.unit_name: str | None = None
        self.income = self.expenditure = None
        self.anchor: Line | None = None
        self.tasks: list[UnitTask] = []
        self.task_prefix: list[str] = []
        self.total: float | None = None

    def feed(self, line: Line) -> None:
        if self.phase == "meta":
            self._meta_line(line)
        elif self.phase == "goal":
            self._goal_line(line)
        else:
            self._row_line(line)

    def _meta_line(self, line: Line) -> None:
        text = _brackets(line.text)
        if _GOAL_HEADER.match(squeeze(text)):
            self.phase = "goal"
        elif text.startswith(_INDICATOR_START):
            self.phase = "rows"
            self.reader.text(line)
        elif (match := _UNIT_NAME.match(text)) and self.unit_name is None:
            self.unit_code, self.unit_name = match["code"], match["name"].strip() or None
            self.anchor = self.anchor or line
        elif _UNIT_INCOME.search(text) or _UNIT_EXPENDITURE.search(text):
            self._amounts(text, line)
        elif match := _TASK_ROW.match(text):
            self._task(match, line)
        elif "对应项目" in text or "下达金额" in text:
            self.task_prefix = []
        elif not self._is_task_label(text):
            self.task_prefix.append(text)

    def _amounts(self, text: str, line: Line) -> None:
        if match := _UNIT_INCOME.search(text):
            self.income = _number(match["value"])
            self.anchor = line
        if match := _UNIT_EXPENDITURE.search(text):
            self.expenditure = _number(match["value"])
        self.task_prefix = []

    @staticmethod
    def _is_task_label(text: str) -> bool:
        """Pieces of the vertically merged '年度主要任务' / '年度目标' label cells."""
        core = squeeze(text).strip("（）()")
        return bool(core) and (core in _TASK_LABEL or core == "年度目标")

    def _task(self, match: re.Match, line: Line) -> None:
        name = "".join(self.task_prefix) + match["name"].strip()
        self.task_prefix = []
        self.tasks.append(UnitTask(name, _number(match["allocated"]), _number(match["executed"]),
                                   _number(match["rate"]), _number(match["weight"]), _number(match["score"]),
                                   line.source(self.file)))

    def _row_line(self, line: Line) -> None:
        if ("得分" in line.text or "总分" in line.text) and (match := _UNIT_TOTAL.match(squeeze(line.text))):
            self.reader.close_reason()
            self.total = _number(match["value"])
            self.closed = True
        elif not self._indicator_line(line):
            self.reader.text(line)

    def finish(self) -> tuple[UnitEvaluation | None, list[ParseIssue]]:
        if self.unit_name is None:
            self._truncated("unit name")
            return None, self.issues
        if self.total is None:
            self.reader.close_reason()
            self._truncated("total score (总评价得分)")
        target, achievement = self._goal_texts([])
        indicators = self.reader.indicators()
        self.issues.extend(self.reader.issues)
        anchor = self.anchor or self.title
        return UnitEvaluation(
            unit_code=self.unit_code, unit_name=self.unit_name, budget_income=self.income,
            budget_expenditure=self.expenditure, tasks=self.tasks, target_text=target,
            achievement_text=achievement, indicators=indicators, total_score=self.total,
            source=anchor.source(self.file),
        ), self.issues
