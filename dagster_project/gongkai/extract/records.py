"""Typed records produced by the extraction library.

Every amount is in 万元 (ten thousand yuan). A value printed in 元 is converted and its printed text kept in
``original``. A blank cell is ``None`` — never 0. Every value carries a :class:`Source` (file, page, line).
"""

from __future__ import annotations

from dataclasses import dataclass, field

CELL_VALUE = "value"
CELL_BLANK = "blank"
CELL_AMBIGUOUS = "ambiguous"

CHECK_PASS = "pass"
CHECK_FAIL = "fail"
CHECK_NOT_RUN = "not_run"


@dataclass(frozen=True, slots=True)
class Source:
    """Provenance of a value: the file, its page (1-based) and its line (1-based; for PDFs the line on the page)."""

    file: str
    page: int
    line: int


@dataclass(frozen=True, slots=True)
class Word:
    """A run of text on a PDF line with its horizontal extent (points)."""

    text: str
    x0: float
    x1: float


@dataclass(slots=True)
class Line:
    """One line of a document after reading: normalized text plus where it was found."""

    text: str
    page: int
    line: int
    words: tuple[Word, ...] = ()

    def source(self, file: str) -> Source:
        return Source(file, self.page, self.line)


@dataclass(slots=True)
class PageInfo:
    """What a page held: 'text', 'empty', 'scanned' (no text layer), 'cid' ((cid:N) glyphs) or 'garbled' (U+FFFD runs)."""

    page: int
    status: str
    chars: int = 0
    cid_glyphs: int = 0
    replacement_chars: int = 0


@dataclass(slots=True)
class Document:
    """A report read into lines: the common input of every table, narrative and performance parser."""

    file: str
    format: str  # 'text' | 'pdf'
    encoding: str | None
    lines: list[Line]
    pages: list[PageInfo]
    sha256: str = ""
    size: int = 0
    geometry: list | None = None  # PDFs: per-page line positions and ruling lines, for the table reader
    pages_total: int | None = None  # pages in the file, when more than were read (a page limit)
    reader: str | None = None  # PDFs: 'pdfium', or 'pdfplumber' for a file PDFium could not open


@dataclass(slots=True)
class Cell:
    """One cell of a table row (万元). status: 'value', 'blank' (NULL) or 'ambiguous' (column not decidable)."""

    column: str
    value: float | None
    original: str | None
    status: str
    source: Source | None = None
    candidates: tuple[str, ...] = ()


@dataclass(slots=True)
class TableRow:
    """A table row. ``code`` is a function (类/款/项) or economic code; ``item`` a stable key for labelled rows."""

    index: int
    label: str
    cells: list[Cell]
    source: Source
    code: str | None = None
    level: int | None = None
    parent_code: str | None = None
    item: str | None = None
    side: str | None = None
    row_number: int | None = None
    category: str | None = None

    def cell(self, column: str) -> Cell | None:
        for cell in self.cells:
            if cell.column == column:
                return cell
        return None

    def value(self, column: str) -> float | None:
        cell = self.cell(column)
        return cell.value if cell is not None else None


@dataclass(slots=True)
class Table:
    """A standard table, identified by its title. ``family`` is a stable key (see docs/json.md)."""

    family: str
    title: str
    label: str | None
    unit: str
    columns: tuple[str, ...]
    rows: list[TableRow]
    source: Source
    is_empty: bool = False
    department: str | None = None

    def rows_with(self, **conditions: object) -> list[TableRow]:
        items = list(conditions.items())
        return [r for r in self.rows if all(getattr(r, k) == v for k, v in items)]

    def row(self, **conditions: object) -> TableRow | None:
        """The first row whose attributes have the given values (``row(item="total", side="income")``)."""
        if not conditions:
            return self.rows[0] if self.rows else None
        (key, value), *others = conditions.items()  # the first condition rules out most rows by itself
        for r in self.rows:
            if getattr(r, key) == value and all(getattr(r, k) == v for k, v in others):
                return r
        return None


@dataclass(slots=True)
class NarrativeFact:
    """A figure stated in the narrative (决算情况说明). ``basis`` is 'reported' or 'comparative' (a prior-year value)."""

    key: str
    value: float
    unit: str
    original: str
    fiscal_year: int | None
    source: Source
    basis: str = "reported"
    qualifier: str | None = None


@dataclass(slots=True)
class Indicator:
    """One indicator row of a performance self-evaluation table (绩效指标)."""

    level1: str | None
    level2: str | None
    level3: str
    operator: str | None
    target: str | None
    unit: str | None
    actual: str | None
    completion: str | None
    weight: float | None
    score: float | None
    source: Source
    deviation_reason: str | None = None


@dataclass(slots=True)
class ProjectEvaluation:
    """项目(政策)绩效自评表: one project's self-evaluation."""

    name: str
    department: str | None
    implementing_unit: str | None
    budget: float | None
    actual: float | None
    execution_rate_pct: float | None
    target_text: str | None
    achievement_text: str | None
    indicators: list[Indicator]
    indicator_subtotal: float | None
    execution_score: float | None
    deduction: float | None
    total_score: float | None
    source: Source


@dataclass(slots=True)
class UnitTask:
    """A main task (年度主要任务) of a unit evaluation with its allocated and executed amounts."""

    name: str
    allocated: float | None
    executed: float | None
    execution_rate_pct: float | None
    weight: float | None
    score: float | None
    source: Source


@dataclass(slots=True)
class UnitEvaluation:
    """部门(单位)整体绩效自评表: one unit's overall self-evaluation."""

    unit_code: str | None
    unit_name: str
    budget_income: float | None
    budget_expenditure: float | None
    tasks: list[UnitTask]
    target_text: str | None
    achievement_text: str | None
    indicators: list[Indicator]
    total_score: float | None
    source: Source


@dataclass(slots=True)
class TargetIndicator:
    """One indicator row of a performance-target table (绩效目标表): the self-evaluation's indicator tree (一级/二级/
    三级指标) with its target (指标值) as printed, and, where the target is a number (≥95%, ≤50万元, 12个), its
    comparator, value and unit; no 完成值 or 得分."""

    level1: str | None
    level2: str | None
    level3: str
    target_text: str | None
    comparator: str | None
    target_value: float | None
    target_unit: str | None
    weight: float | None
    source: Source


@dataclass(slots=True)
class TargetTask:
    """A main task (年度主要任务) of a department's whole target table (部门整体支出绩效目标表): its name and its budget
    (预算金额 总额 / 财政拨款 / 其他资金, 万元). Its 主要内容 is not read: printed wider than its box, it runs over the
    next task's on the page (西安 p.42)."""

    name: str
    amount_total: float | None
    amount_fiscal: float | None
    amount_other: float | None
    source: Source


@dataclass(slots=True)
class PerformanceTarget:
    """A performance-target table of a budget (绩效目标表): one project's (项目支出绩效目标表) or the department's
    whole (部门整体绩效目标表, kind 'unit'). Amounts in 万元; ``amount_unit`` is the unit printed."""

    kind: str  # 'project' | 'unit'
    title: str
    name: str | None
    department: str | None
    implementing_unit: str | None
    amount_total: float | None
    amount_fiscal: float | None
    amount_carryover: float | None
    amount_other: float | None
    amount_unit: str | None
    goal_text: str | None
    indicators: list[TargetIndicator]
    source: Source
    weight_total: float | None = None  # the total its 分值 heading prints (分值（90）), which the weights add up to
    tasks: list[TargetTask] = field(default_factory=list)  # 部门整体: its 年度主要任务, each with its budget


@dataclass(slots=True)
class Check:
    """A reconciliation check: an accounting identity evaluated on the report. 'not_run' never counts as a pass."""

    name: str
    category: str
    expected: float | None
    actual: float | None
    tolerance: float
    status: str
    detail: str = ""
    source: Source | None = None

    @property
    def difference(self) -> float | None:
        if self.expected is None or self.actual is None:
            return None
        return round(self.actual - self.expected, 6)


@dataclass(slots=True)
class ParseIssue:
    """Something the parser could not read, or read with doubt. severity: 'error', 'warning' or 'info'."""

    severity: str
    kind: str
    message: str
    source: Source | None = None


@dataclass(slots=True)
class Report:
    """Everything read from one report file."""

    file: str
    sha256: str
    format: str
    department: str | None = None
    fiscal_year: int | None = None
    kind: str | None = None  # 'final' (决算) | 'budget' (预算)
    units_in_scope: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    narrative: list[NarrativeFact] = field(default_factory=list)
    projects: list[ProjectEvaluation] = field(default_factory=list)
    unit_evaluations: list[UnitEvaluation] = field(default_factory=list)
    targets: list[PerformanceTarget] = field(default_factory=list)  # budgets: 绩效目标表
    checks: list[Check] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)
    pages: list[PageInfo] = field(default_factory=list)
    encoding: str | None = None
    size: int = 0
    printed_date: str | None = None  # the report's own date (落款/封面), ISO 'YYYY-MM' or 'YYYY-MM-DD'

    def table(self, family: str) -> Table | None:
        for table in self.tables:
            if table.family == family:
                return table
        return None

    def fact(self, key: str, qualifier: str | None = None, basis: str | None = None) -> NarrativeFact | None:
        """A narrative fact; by default the reported one, else one derived from reported facts (never a comparative)."""
        for wanted in (basis,) if basis else ("reported", "derived"):
            for fact in self.narrative:
                if fact.key == key and fact.basis == wanted and (qualifier is None or fact.qualifier == qualifier):
                    return fact
        return None
