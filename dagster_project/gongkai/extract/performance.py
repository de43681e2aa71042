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
:mod:`performance_vocabulary`, the parsers in :mod:`performance_forms`, the reading of a line in
:mod:`performance_lines`, the indicator rows and the goal text in :mod:`performance_indicators`, the Ministry of
Finance's standard form (西安's) in :mod:`performance_standard_form`; forms printed as ruled grids in a PDF are read
by :mod:`pdf_performance`.
"""

from __future__ import annotations

from gongkai.extract.families import match_family
from gongkai.extract.performance_forms import _ProjectParser, _TableParser, _UnitParser
from gongkai.extract.performance_lines import _brackets
from gongkai.extract.performance_vocabulary import (
    _NAMED_PROJECT_TITLE,
    _NAMED_UNIT_TITLE,
    _PART_HEADING,
    _PROJECT_TITLE,
    _UNIT_TITLE,
)
from gongkai.extract.records import Document, ParseIssue, ProjectEvaluation, UnitEvaluation
from gongkai.extract.text import squeeze


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
    if _UNIT_TITLE.match(flat) or _NAMED_UNIT_TITLE.match(flat):
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
