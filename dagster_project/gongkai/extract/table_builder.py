"""Turning the printed rows of each standard table into typed :class:`Table` records.

Tables are built in dependency order so that a table whose columns the text cannot decide on its own borrows anchors
(:mod:`table_anchors`) from a related table: 一般公共预算财政拨款支出决算表 first (three columns, mostly decided by its
own identities), then 支出决算表 (all funds ≥ the appropriation, per code and column), 收入决算表 (its 合计 row = the
总表's income lines), 财政拨款收入支出决算总表 (its 一般公共预算 column = the appropriation table's 类 totals), and the
三公 table. A row's amounts go into cells by :mod:`table_cells`.
"""

from __future__ import annotations

from gongkai.extract import supplementary_tables as supplementary
from gongkai.extract import tables as found
from gongkai.extract.classification_codes import code_level, economic_category, parent_code
from gongkai.extract.families import COUNT_ITEMS, FAMILY_BY_KEY
from gongkai.extract.pattern_cache import compiled
from gongkai.extract.records import CELL_BLANK, Cell, ParseIssue, Source, Table, TableRow
from gongkai.extract.row_items import match_item, SUMMARY_ITEMS, THREE_PUBLIC_ITEMS
from gongkai.extract.solver import Anchor, Identity, SolverRow, SolverTable, solve
from gongkai.extract.table_anchors import (
    appropriation_anchors,
    code_families,
    expenditure_anchors,
    income_anchors,
    row_keys,
    unfunded,
    TOTAL_KEY,
)
from gongkai.extract.table_cells import in_order, placed_cells
from gongkai.extract.text import parse_amount, squeeze

_ECONOMIC_TOTALS = {"人员经费合计": "personnel_total", "公用经费合计": "public_total", "合计": "total"}
_NUMBERING = compiled(r"^(?:[一二三四五六七八九十]+、|\d+[.．、]|其中[:：]?|[（(]\d+[）)])+")

BUILD_ORDER = (
    "general_budget_expenditure",
    "government_fund",
    "state_capital",
    "income_expenditure_summary",
    "expenditure",
    "income",
    "appropriation_summary",
    "general_budget_basic_expenditure",
    "three_public",
)


def _carryover_identities(columns: tuple[str, ...]) -> tuple[Identity, ...]:
    """A fund table's row: 年初结转和结余 + 本年收入 = 本年支出 + 年末结转和结余, 本年支出 = 基本支出 + 项目支出."""
    at = columns.index
    return (((at("carryover_begin"), at("income")), (at("total"), at("carryover_end"))),
            ((at("total"),), (at("basic"), at("project"))))


def clean_label(label: str) -> str:
    return _NUMBERING.sub("", squeeze(label))


class TableBuilder:
    def __init__(self, file: str):
        self.file = file
        self.tables: dict[str, Table] = {}
        self.issues: list[ParseIssue] = []

    def build(self, raw_tables: list[found.RawTable]) -> list[Table]:
        by_family: dict[str, found.RawTable] = {}
        previous_key, reading = None, None  # the table the one before was read into (None: one not read)
        for raw in raw_tables:
            key = raw.family.key
            if key == previous_key:  # a continuation (续表) of the table before
                if reading is not None:
                    reading.body.extend(raw.body)
                continue
            previous_key = key
            if key in by_family:  # after other tables: a second set (本级, a unit's), never added to the first
                self.issues.append(ParseIssue(
                    "warning", "second_table_set", f"a second {raw.family.title} ({key}) after other tables: a second "
                    "set of tables (本级 or a unit's) is not read", self._source(raw.title_line)))
                reading = None
            else:
                by_family[key] = reading = raw
        for key in BUILD_ORDER:
            if key in by_family:
                self.tables[key] = getattr(self, f"_build_{key}")(by_family[key])
        for key, raw in by_family.items():
            if key not in BUILD_ORDER:
                self.tables[key] = self._build_supplementary(raw)
        return [self.tables[key] for key in by_family if key in self.tables]

    # -- helpers ---------------------------------------------------------------------------------------------------

    def _source(self, line) -> Source:
        return Source(self.file, line.page, line.line)

    def _table(self, raw: found.RawTable, columns: tuple[str, ...], rows: list[TableRow]) -> Table:
        return Table(
            family=raw.family.key,
            title=squeeze(raw.title_line.text),
            label=raw.label,
            unit=raw.unit,
            columns=columns,
            rows=rows,
            source=self._source(raw.title_line),
            is_empty=not any(c.status != CELL_BLANK for r in rows for c in r.cells),
            department=raw.department,
        )

    def _amounts(self, raw_row: found.RawRow) -> list[float]:
        return [parse_amount(a) for a in raw_row.amounts]

    def _cells(self, raw_row: found.RawRow, columns: tuple[str, ...], placements: list[tuple[int, ...]], unit: str,
               source: Source) -> list[Cell]:
        return placed_cells(raw_row, columns, placements, unit, source, self.issues)

    # -- function-coded tables -------------------------------------------------------------------------------------

    def _function_table(
        self,
        raw: found.RawTable,
        columns: tuple[str, ...],
        anchors: dict[str, list[Anchor]] | None = None,
        total_column: int | None = 0,
        identities: tuple[Identity, ...] = (),
    ) -> Table:
        raw_rows = found.function_rows(raw)
        keys = row_keys(raw_rows)
        solver_rows = {
            key: SolverRow(key, self._amounts(r), (anchors or {}).get(key, [])) for key, r in zip(keys, raw_rows)
        }
        solved = solve(SolverTable(len(columns), solver_rows, code_families(keys), total_column, identities=identities))
        rows = []
        for index, (key, raw_row) in enumerate(zip(keys, raw_rows)):
            code = raw_row.code
            source = self._source(raw_row.line)
            rows.append(
                TableRow(
                    index=index,
                    label=clean_label(raw_row.label) if code else TOTAL_KEY,
                    cells=self._cells(raw_row, columns, solved[key], raw.unit, source),
                    source=source,
                    code=code,
                    level=code_level(code) if code else None,
                    parent_code=parent_code(code) if code else None,
                    item=None if code else "total",
                )
            )
        return self._table(raw, columns, rows)

    def _build_general_budget_expenditure(self, raw: found.RawTable) -> Table:
        return self._function_table(raw, FAMILY_BY_KEY[raw.family.key].columns)

    def _build_fund_table(self, raw: found.RawTable) -> Table:
        header = squeeze(" ".join(line.text for line in raw.body[:12]))
        if "年初结转" in header:
            columns = FAMILY_BY_KEY[raw.family.key].columns
            return self._function_table(raw, columns, total_column=None, identities=_carryover_identities(columns))
        return self._function_table(raw, ("total", "basic", "project"))

    _build_government_fund = _build_fund_table
    _build_state_capital = _build_fund_table

    def _build_expenditure(self, raw: found.RawTable) -> Table:
        columns = FAMILY_BY_KEY["expenditure"].columns
        appropriation = self.tables.get("general_budget_expenditure")
        return self._function_table(raw, columns, expenditure_anchors(appropriation, columns))

    def _build_income(self, raw: found.RawTable) -> Table:
        columns = FAMILY_BY_KEY["income"].columns
        summary = self.tables.get("income_expenditure_summary")
        return self._function_table(raw, columns, income_anchors(summary, columns))

    # -- summary tables --------------------------------------------------------------------------------------------

    def _build_income_expenditure_summary(self, raw: found.RawTable) -> Table:
        rows = []
        for index, raw_row in enumerate(found.summary_rows(raw)):
            item = match_item(raw_row.label, SUMMARY_ITEMS)
            rows.append(self._summary_row(index, raw_row, item, ("amount",), in_order(raw_row), raw.unit))
        return self._table(raw, ("amount",), rows)

    def _summary_row(self, index, raw_row, item, columns, placements, unit) -> TableRow:
        """A row of a summary table; ``item`` is what :func:`match_item` reads from its label."""
        label = clean_label(raw_row.label)
        source = self._source(raw_row.line)
        return TableRow(
            index=index,
            label=label,
            cells=self._cells(raw_row, columns, placements, unit, source),
            source=source,
            item=item if label else None,
            side=raw_row.side,
            row_number=raw_row.row_number,
        )

    def _build_appropriation_summary(self, raw: found.RawTable) -> Table:
        raw_rows = found.summary_rows(raw)
        items = [match_item(r.label, SUMMARY_ITEMS) for r in raw_rows]
        spending = ("total", "general_budget", "government_fund", "state_capital")
        income_side = [(item, self._amounts(r)) for r, item in zip(raw_rows, items) if r.side == "income"]
        anchors = appropriation_anchors([clean_label(r.label) for r in raw_rows], items, spending, self.tables,
                                        unfunded(income_side))
        solver_rows = {
            str(i): SolverRow(str(i), self._amounts(r), anchors.get(i, []))
            for i, r in enumerate(raw_rows)
            if r.side == "expenditure"
        }
        solved = solve(SolverTable(len(spending), solver_rows, []))
        rows = []
        carryover_section = {"income": False, "expenditure": False}
        for index, (raw_row, item) in enumerate(zip(raw_rows, items)):
            if raw_row.side == "expenditure":
                row = self._summary_row(index, raw_row, item, spending, solved[str(index)], raw.unit)
            else:
                row = self._summary_row(index, raw_row, item, ("amount",), in_order(raw_row), raw.unit)
            if row.item in ("carryover_begin", "carryover_end"):
                carryover_section[raw_row.side] = True
            elif carryover_section.get(raw_row.side) and row.item and row.item.endswith("_appropriation"):
                row.item = f"{'carryover_begin' if raw_row.side == 'income' else 'carryover_end'}_{row.item}"
            rows.append(row)
        columns = ("amount",) + spending
        return self._table(raw, columns, rows)

    # -- economic and 三公 tables -----------------------------------------------------------------------------------

    def _build_general_budget_basic_expenditure(self, raw: found.RawTable) -> Table:
        rows = []
        for index, raw_row in enumerate(found.economic_rows(raw)):
            code = raw_row.code
            item = _ECONOMIC_TOTALS.get(raw_row.label)
            source = self._source(raw_row.line)
            rows.append(
                TableRow(
                    index=index,
                    label=clean_label(raw_row.label),
                    cells=self._cells(raw_row, ("amount",), in_order(raw_row), raw.unit, source),
                    source=source,
                    code=code,
                    level=code_level(code) if code else None,
                    parent_code=parent_code(code) if code else None,
                    item=item,
                    category=economic_category(code) if code else None,
                )
            )
        return self._table(raw, ("amount",), rows)

    def _build_three_public(self, raw: found.RawTable) -> Table:
        columns = ("budget", "actual")
        raw_rows = found.labelled_rows(raw)
        items = [match_item(r.label, THREE_PUBLIC_ITEMS) for r in raw_rows]
        keys = [item or f"row{i}" for i, item in enumerate(items)]
        solver_rows = {k: SolverRow(k, self._amounts(r)) for k, r in zip(keys, raw_rows)}
        families = [
            ("total", ["overseas_travel", "reception", "vehicle_total"]),
            ("vehicle_total", ["vehicle_purchase", "vehicle_operation"]),
        ]
        solved = solve(SolverTable(2, solver_rows, families, total_column=None))
        rows = []
        for index, (key, raw_row, item) in enumerate(zip(keys, raw_rows, items)):
            source = self._source(raw_row.line)
            rows.append(TableRow(
                index=index,
                label=clean_label(raw_row.label),
                cells=self._cells(raw_row, columns, solved[key], raw.unit, source),
                source=source,
                item=item,
            ))
        return self._table(raw, columns, rows)


    # -- tables beyond the standard nine -----------------------------------------------------------------------------

    def _build_supplementary(self, raw: found.RawTable) -> Table:
        """项目支出决算表, 支出决算明细表, 机关运行经费, 国有资产, 政府采购 …: the columns its header names; where a row
        prints fewer amounts than columns, 合计 = Σ the other columns (and 类 = Σ款) decide where they go."""
        family = raw.family
        header, data = supplementary.split_header(raw)
        columns = supplementary.header_columns(header, family)
        raw_rows = supplementary.table_rows(data, family)
        keys = row_keys(raw_rows)
        total_column = 0 if columns[0] == "total" and len(columns) > 1 else None
        solver_rows = {key: SolverRow(key, self._amounts(r)) for key, r in zip(keys, raw_rows)}
        solved = solve(SolverTable(len(columns), solver_rows, code_families(keys), total_column))
        rows = []
        for index, (key, raw_row) in enumerate(zip(keys, raw_rows)):
            code, source = raw_row.code, self._source(raw_row.line)
            item = supplementary.row_item(raw_row.label, code, family)
            unit = "万元" if item in COUNT_ITEMS else raw.unit
            rows.append(TableRow(
                index=index,
                label=clean_label(raw_row.label),
                cells=self._cells(raw_row, columns, solved[key], unit, source),
                source=source,
                code=code,
                level=code_level(code) if code else None,
                parent_code=parent_code(code) if code else None,
                item=item,
            ))
        return self._table(raw, columns, rows)
