"""Performance self-evaluation tables (绩效自评表) of a report's attachments (附件).

Two table kinds are read, each found by its title, never by position:

* 项目(政策)绩效自评表 / 项目支出绩效自评表 → :class:`ProjectEvaluation`;
* 部门(单位)整体绩效自评表 / 部门整体支出绩效自评表 → :class:`UnitEvaluation`.

Text dumps of these tables wrap every cell over several lines: a row's numbers are printed on one line, and the
indicator names (一级/二级/三级指标), qualitative targets and achievements come as fragments on the lines before it.
Level names are recognised from the standard indicator frameworks (产出指标/数量指标…, 履职效能/预算执行效率…);
the remaining fragments of a qualitative row are split into 三级指标 / 指标值 / 完成值 by the geometry of wrapped
cells (every line of a cell but its last is full width). The parser reads a single pass over the lines and never
raises on odd input: what it cannot place is reported as a :class:`ParseIssue`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from gongkai.extract.families import match_family
from gongkai.extract.lazy_pattern import lazy_pattern
from gongkai.extract.records import (
    Document,
    Indicator,
    Line,
    ParseIssue,
    ProjectEvaluation,
    Source,
    UnitEvaluation,
    UnitTask,
)
from gongkai.extract.text import squeeze

_NUM = r"-?\d+(?:\.\d+)?"
_NUM_RE = lazy_pattern(rf"^{_NUM}$")
_COMPLETION_RE = lazy_pattern(rf"^{_NUM}%?$")

_PROJECT_TITLE = lazy_pattern(r"^[^《》，。,]{0,8}?项目(?:（政策）)?(?:支出)?绩效自评表(?:（\d{4}年度?）)?$")
_UNIT_TITLE = lazy_pattern(r"^[^《》，。,]{0,8}?(?:部门(?:（单位）)?|单位)整体(?:支出)?绩效自评表(?:（\d{4}年度?）)?$")

_OPERATORS = {"≥": ">=", "≤": "<=", "＝": "=", "＞": ">", "＜": "<", "＞＝": ">=", "＜＝": "<="}
_OPERATOR = lazy_pattern("[<>=≥≤＝＞＜]")  # a character of every operator below; most lines have none
_QUANT_ROW = lazy_pattern(r"^(?P<label>.*?)\s*(?P<op>>=|<=|＞＝|＜＝|≥|≤|=|＝|>|<|＞|＜)\s*(?P<rest>\S.*)$")
_SCORE_TAIL = lazy_pattern(rf"^(?:(?P<pre>.*?\S)\s+)?(?P<completion>{_NUM}%?)\s+(?P<weight>{_NUM})\s+(?P<score>{_NUM})$")
_TASK_ROW = lazy_pattern(
    rf"^(?P<name>.*?\S)\s+(?P<allocated>{_NUM})\s+(?P<executed>{_NUM})\s+(?P<rate>{_NUM})%?"
    rf"\s+(?P<weight>{_NUM})\s+(?P<score>{_NUM})$"
)

_PROJECT_NAME = lazy_pattern(r"^项目(?:（政策）)?名称\s*(?P<value>.*)$")
_DEPARTMENT = lazy_pattern(r"^主管部门\s*(?P<value>.*?)(?:\s+实施单位\s*(?P<unit>.*))?$")
_IMPLEMENTING_UNIT = lazy_pattern(r"^实施单位\s*(?P<value>.*)$")
_BUDGET = lazy_pattern(rf"预算(?:金额|数)(?:（万元）)?\s*(?P<value>{_NUM})")
_EXECUTED = lazy_pattern(rf"执行数(?:（万元）)?\s*(?P<value>{_NUM})")
_RATE = lazy_pattern(rf"执行率\s*(?P<value>{_NUM})\s*%?")
_UNIT_NAME = lazy_pattern(r"^(?:部门(?:（单位）)?|单位)名称\s*(?P<code>\d{3,})?\s*(?P<name>.*)$")
_UNIT_INCOME = lazy_pattern(rf"预算收入(?:金额)?(?:（万元）)?\s*(?P<value>{_NUM})")
_UNIT_EXPENDITURE = lazy_pattern(rf"预算支出(?:金额)?(?:（万元）)?\s*(?P<value>{_NUM})")

_GOAL_HEADER = lazy_pattern(r"^(?:年度总体目标)?年初.{0,4}目标.{0,6}(?:完成|实际)")
_INDICATOR_START = ("绩效指标", "一级指")  # line prefixes
_REPEATED_HEADER = "一级指"
_SUBTOTAL = lazy_pattern(rf"指标自评得分小计\s*(?P<value>{_NUM})")
_EXECUTION_SCORE = lazy_pattern(rf"执行率得分\s*(?P<value>{_NUM})")
_DEDUCTION = lazy_pattern(rf"减分项?\s*(?P<value>{_NUM})")
_PROJECT_TOTAL = lazy_pattern(rf"(?:自评)?总得分\s*(?P<value>{_NUM})")
_UNIT_TOTAL = lazy_pattern(rf"^(?:总评价得分|评价总得分|自评总得分|总得分|总分)\s*[:：]?\s*(?P<value>{_NUM})")
# Column headings of an indicator table: words anywhere, endings, and whole or leading cell texts.
_HEADER_WORDS = ("原因", "措施", "分值", "得分")
_HEADER_ENDINGS = ("完成值", "目标值")
_HEADER_CELL = lazy_pattern(r"^(?:(?:运算)?符号$|度量|(?:完成)?程度$|指标值$|绩效指标$|一级指标|二级指标)")
_GRADE_START = lazy_pattern(r"^(?:全部或基本|全部|基本|大部分|部分|未|没有)(?:达成|完成|实现|达到)")
_YEAR_START = lazy_pattern(r"^20\d\d年")
_SENTENCE_END = lazy_pattern(r"[。；;！!]$")
_PART_HEADING = lazy_pattern(r"^第[一二三四五六七八九十]+部分")
_PUNCTUATION = lazy_pattern(r"[，。：:；;、！!]")
_REASON_PART = lazy_pattern(r"^[\u4e00-\u9fff]{2,8}[:：]")
_TASK_LABEL = "年度主要任务"

# 一级/二级指标 names of the standard frameworks: projects (产出/效益/满意度/成本) and unit evaluations (整体绩效).
_PROJECT_LEVEL1 = frozenset({"产出指标", "效益指标", "满意度指标", "成本指标"})
_PROJECT_LEVEL2 = lazy_pattern(r"^(?:(?!指标)[\u4e00-\u9fff]){0,8}(?:数量|质量|时效|成本|效益|影响|满意度)指标$")
_PROJECT_LEVEL2_SUFFIX = "指标"  # of every name _PROJECT_LEVEL2 matches: a cheap test before the pattern
_UNIT_LEVEL1 = _PROJECT_LEVEL1 | frozenset(
    {"履职效能", "预算执行", "管理效率", "运行成本", "社会效应", "可持续性", "投入", "过程", "产出", "效益", "效果"}
)
_UNIT_LEVEL2 = frozenset(
    {
        "重点工作履行情况", "整体工作完成情况", "基础管理", "预算执行效率", "预算编制管理", "预算监督管理",
        "预算收支管理", "财务管理", "资产管理", "业务管理", "人员管理", "成本控制成效", "经济效益", "社会效益",
        "生态效益", "可持续影响", "服务对象满意度", "社会公众满意度", "主管部门满意度", "体制机制改革",
        "预算配置", "预算管理", "职责履行", "履职效益", "目标设定",
    }
)
_MAX_LEVEL_FRAGMENTS = 4
_MAX_LEVEL_NAME = 14
_MAX_STRAY_LINES = 12
_FULL_TOLERANCE = 0.6


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
    if _PROJECT_TITLE.match(flat):
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
        names = sorted((n for n in level1 | level2 if len(n) >= 4), key=len, reverse=True)
        self._prefix = re.compile("^(?:" + "|".join(map(re.escape, names)) + r")(?=\S{3})") if names else None

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
        import statistics  # with fractions and decimal, 5 ms of import a report without these forms need not pay

        widths = [_width(f.text) for row in self.rows if row.numbers.operator for f in row.labels[:-1] if f.line > 0]
        return statistics.median(widths) if widths else None

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
        if line.text.startswith(_INDICATOR_START):
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
        elif text.startswith(_INDICATOR_START):
            self.phase = "rows"
            self.reader.text(line)
        elif match := _PROJECT_NAME.match(text):
            self.name = match["value"].strip() or None
        elif match := _DEPARTMENT.match(text):
            self.department = match["value"].strip() or None
            self.implementing_unit = (match["unit"] or "").strip() or self.implementing_unit
        elif match := _IMPLEMENTING_UNIT.match(text):
            self.implementing_unit = match["value"].strip() or None
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

    def _row_line(self, line: Line) -> None:
        if "得分" in line.text and (_SUBTOTAL.search(line.text) or _PROJECT_TOTAL.search(line.text)):
            self.reader.close_reason()
            self._scores(line.text)
            self.phase = "after"
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
        indicators = self.reader.indicators()
        self.issues.extend(self.reader.issues)
        anchor = self.amounts_line or self.title
        return ProjectEvaluation(
            name=self.name or "", department=self.department, implementing_unit=self.implementing_unit,
            budget=self.budget, actual=self.actual, execution_rate_pct=self.rate,
            target_text=target, achievement_text=achievement, indicators=indicators,
            indicator_subtotal=self.scores.get("subtotal"), execution_score=self.scores.get("execution"),
            deduction=self.scores.get("deduction"), total_score=self.scores.get("total"),
            source=anchor.source(self.file),
        ), self.issues


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
