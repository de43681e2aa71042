"""The self-evaluation forms of a text dump read line by line: a title starts a parser (项目 or 部门整体), which takes
the form's header fields, funds, goal text, indicator rows and scores as their lines come (see :mod:`performance`)."""

from __future__ import annotations

import itertools
import re

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
from gongkai.extract.performance_standard_form import _TASK_NAME_WRAP, funds_columns, standard_indicators
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
    _PROJECT_NAME,
    _PROJECT_TOTAL,
    _RATE,
    _SUBTOTAL,
    _TASK_LABEL,
    _TASK_ROW,
    _TOTAL_ROW,
    _UNIT_EXPENDITURE,
    _UNIT_INCOME,
    _UNIT_NAME,
    _UNIT_TOTAL,
    _WIDE_TASK_ROW,
)
from gongkai.extract.records import Line, ParseIssue, ProjectEvaluation, UnitEvaluation, UnitTask
from gongkai.extract.text import squeeze

_FUNDS_LABELS = ("项目资金", "（万元）", "年初预算", "年度资金总额")  # the funds block under 主管部门 / 实施单位


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
        :mod:`performance_standard_form`, the others by the reader of the seed's layout."""
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
        self.task_lines: list[str] = []  # the lines since the last task, as printed (a wrapped name's '务' kept)
        self.total: float | None = None
        self.wide_tasks = False  # tasks of the standard form: its indicator rows are read as a project form's
        self.row_lines: list[Line] = []
        self.total_weight: float | None = None

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
        elif match := _WIDE_TASK_ROW.match(text):
            self._wide_task(match, line)
        elif "对应项目" in text or "下达金额" in text or "任务名称" in text or text.startswith(("总额", "分值")):
            self.task_prefix, self.task_lines = [], []  # the task block's header: the tasks start below it
        else:
            self.task_lines.append(text)
            if not self._is_task_label(text):
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
        self.task_prefix, self.task_lines = [], []
        self.tasks.append(UnitTask(name, _number(match["allocated"]), _number(match["executed"]),
                                   _number(match["rate"]), _number(match["weight"]), _number(match["score"]),
                                   line.source(self.file)))

    def _standard_indicators(self) -> list:
        """Rows read as a project form's, kept where they and the tasks add up to the form's 总分 (scores or weights)."""
        rows = standard_indicators(self.row_lines, self.file)
        parts = [(r.score, r.weight) for r in rows] + [(t.score, t.weight) for t in self.tasks]
        for index, total in enumerate((self.total, self.total_weight)):
            if total is not None and abs(sum(p[index] or 0 for p in parts) - total) <= 0.05 * len(parts):
                return rows
        self.issues.append(ParseIssue("warning", "indicators_not_read",
                                      f"{self.unit_name}: the indicator rows read from the text layer do not add up "
                                      "to the form's 总分; left to the PDF", self.title.source(self.file)))
        return []

    def _wide_task(self, match: re.Match, line: Line) -> None:
        """A task of the standard form (任务名称 | 主要内容 | 完成情况 | 全年预算数 总额 财政拨款 其他资金 | 全年执行数 …
        | 分值 | 执行率 | 得分): the name is the wrapped name column's short lines before the content's long ones."""
        words = [w for text in self.task_lines for w in text.split()] + match["pre"].split()[:-1]  # (完成情况 last)
        self.task_prefix, self.task_lines = [], []
        if not words or squeeze(words[0]).startswith(("金额合计", "合计")):
            return
        name = "".join(itertools.takewhile(lambda w: len(w) <= _TASK_NAME_WRAP and not w.endswith("。"), words))
        self.wide_tasks = True
        self.tasks.append(UnitTask(name or words[0], _number(match["allocated"].replace(",", "")),
                                   _number(match["executed"].replace(",", "")), _number(match["rate"]),
                                   _number(match["weight"]), _number(match["score"]), line.source(self.file)))

    def _row_line(self, line: Line) -> None:
        if self.wide_tasks and (match := _TOTAL_ROW.match(line.text)):
            self.total, self.total_weight = _number(match["value"]), _number(match["weight"])
            self.closed = True
        elif self.wide_tasks:
            self.row_lines.append(line)
        elif ("得分" in line.text or "总分" in line.text) and (match := _UNIT_TOTAL.match(squeeze(line.text))):
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
        indicators = self._standard_indicators() if self.wide_tasks else self.reader.indicators()
        self.issues.extend(self.reader.issues)
        anchor = self.anchor or self.title
        return UnitEvaluation(
            unit_code=self.unit_code, unit_name=self.unit_name, budget_income=self.income,
            budget_expenditure=self.expenditure, tasks=self.tasks, target_text=target,
            achievement_text=achievement, indicators=indicators, total_score=self.total,
            source=anchor.source(self.file),
        ), self.issues
