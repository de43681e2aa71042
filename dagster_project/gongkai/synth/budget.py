"""A synthetic department-year's budget (部门预算), matching its synthetic final, with its truth.

The budget of year Y is what the department planned before the year its final accounts for: each 项 of the final's
支出决算表 is budgeted at the amount spent times a factor drawn per 项 (0.85–1.15, basic and project apart), the
general budget likewise; 三公 is the final's own 预算数 (so the final's 三公 预算数 column and the budget agree), 机关运行经费
and 政府采购 the final's amounts times a factor. It prints 支出预算总表, 一般公共预算支出预算表 and the 三公 table, a
说明 stating 三公 (with its change against last year's budget), 机关运行经费 and 政府采购, and a 收入预算总表 by function
code whose columns are the sources of funds (资金来源: 一般公共预算, then 政府性基金, 国有资本经营 as the department has
them — a district's one 财政拨款 column for the three —, 事业收入 if it has it, 其他收入; a source a row lacks is
blank = NULL; 合计 = Σ sources on every row). The truth holds every cell
and fact the parser should read, and the budget side of each line of fct_budget_vs_final (its final side is the
final's truth: the cells of its 支出决算表, 一般公共预算财政拨款支出决算表 and 三公 table).

Budgets come in the layouts of real families (:data:`LAYOUTS`): amounts in 万元; in 元 with thousands separators
(上海市普陀区: the 三公 table stays in 万元); or the Jiangsu numbering, 公开01表 … before each title with '部门：' and
the unit at the right margin. The truth is the same in 万元 whatever the layout. Some departments' 支出预算总表 prints
the sources after 合计 基本支出 项目支出 too (``expenditure_sources`` in the truth): per unit, as 西安's 表3 does
(``unit``: a row per unit of the department, its 项 dealt to the units in turn), or by function code (``function``:
no real budget of the corpus does, so fct_budget_expenditure_by_source's function lines are tested on these).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from gongkai.synth import catalog
from gongkai.synth.model import Department, ItemYear, Year
from gongkai.synth.dump import Dump, money, value

_THREE_PUBLIC_ROWS = (("合计", "total"), ("因公出国（境）费", "overseas_travel"), ("公务接待费", "reception"),
                      ("公务用车购置及运行费", "vehicle_total"), ("其中：公务用车购置费", "vehicle_purchase"),
                      ("公务用车运行费", "vehicle_operation"))


@dataclass(frozen=True)
class BudgetLayout:
    """How a family of real budgets prints its tables."""

    name: str
    unit: str  # of the expenditure tables: '万元' or '元' (the 三公 table is in 万元 either way)
    numbered: bool  # '公开01表：' before each title and '部门：<name>' with the unit at the right margin (江苏)


LAYOUTS = (BudgetLayout("wan", "万元", False), BudgetLayout("yuan", "元", False),
           BudgetLayout("numbered", "万元", True))
_TABLE_NUMBERS = {"budget_income": 2, "budget_expenditure": 3, "budget_general_expenditure": 5,
                  "budget_three_public": 9}  # 江苏 2018


def _factor(rng: random.Random, cents: int) -> int:
    return int(cents * rng.uniform(0.85, 1.15)) if cents else 0


_SOURCE_HEADERS = {"fiscal_appropriation": "财政拨款", "general_budget": "一般公共预算", "government_fund": "政府性基金",
                   "state_capital": "国有资本经营", "public_service_revenue": "事业收入", "other_revenue": "其他收入"}


def source_columns(dept: Department) -> tuple[str, ...]:
    """The sources of funds (资金来源) a department's budget prints: 一般公共预算 and the funds it has (a district's: one
    财政拨款 column for the three), 事业收入 if it has it, 其他收入."""
    split = dept.level != "district"
    return tuple(source for source, present in (
        ("fiscal_appropriation", not split), ("general_budget", split), ("government_fund", split and dept.fund),
        ("state_capital", split and dept.state_capital),
        ("public_service_revenue", dept.has_institution), ("other_revenue", True)) if present)


def split_by_source(total: int, item: ItemYear, columns: tuple[str, ...]) -> list[int]:
    """A 项's budget (cents) split over ``columns`` in the shares of its final's spending: 一般公共预算, 政府性基金 and
    国有资本经营 (财政拨款: the three) as spent from each, the rest 3/4 事业收入 and 1/4 其他收入 (all 其他收入 without
    事业收入)."""
    fund = item.fund_basic + item.fund_project
    shares = {"fiscal_appropriation": item.gb + fund + item.sc_project, "general_budget": item.gb,
              "government_fund": fund, "state_capital": item.sc_project}
    parts = {s: total * shares[s] // item.expenditure for s in columns if s in shares}
    rest = total - sum(parts.values())
    if "public_service_revenue" in columns:
        parts["public_service_revenue"] = rest * 3 // 4
        rest -= parts["public_service_revenue"]
    parts["other_revenue"] = rest
    return [parts[s] for s in columns]


def three_public_budget(year: Year) -> dict[str, int]:
    """The year's 三公 budget by item (cents): the final's 预算数 column."""
    t = {item: budget for item, (budget, _) in year.three_public.items()}
    t["vehicle_total"] = t.get("vehicle_purchase", 0) + t.get("vehicle_operation", 0)
    t["total"] = t["vehicle_total"] + t.get("overseas_travel", 0) + t.get("reception", 0)
    return t


class BudgetRenderer:
    """The budget of ``year`` for ``dept`` (the final's accounts of that year), last year's for its stated change."""

    def __init__(self, dept: Department, year: Year, prev: Year, rng: random.Random,
                 layout: BudgetLayout = LAYOUTS[0], expenditure_sources: str | None = None):
        self.dept, self.y, self.prev, self.rng, self.layout = dept, year, prev, rng, layout
        self.expenditure_sources = expenditure_sources  # None, 'function' or 'unit': how the 支出总表 prints sources
        self.name = dept.names[year.year]
        self.year = year.year
        self.dump = Dump()
        self.cells: list[dict] = []
        self.facts: dict[str, float] = {}
        self.lines: list[dict] = []
        codes = [c for c, i in year.items.items() if i.expenditure]
        self.all_funds = {c: [_factor(rng, year.items[c].basic), _factor(rng, year.items[c].project)] for c in codes}
        self.general = {c: [_factor(rng, year.items[c].gb_basic), _factor(rng, year.items[c].gb_project)]
                        for c in codes if year.items[c].gb}
        self.sources = source_columns(dept)
        self.by_source = {c: split_by_source(sum(v), year.items[c], self.sources) for c, v in self.all_funds.items()}

    def render(self) -> tuple[Dump, dict]:
        self.dump.page()
        self.dump.add(self.name, f"{self.year}年部门预算", f"预算主管部门：{self.name}")
        self.narrative()
        self.income_table()
        if self.expenditure_sources == "unit":
            self.unit_table()
        else:
            self.coded_table("budget_expenditure", "部门支出预算总表", self.all_funds, "all_funds")
        self.coded_table("budget_general_expenditure", "一般公共预算支出预算表", self.general, "general_budget")
        self.three_public_table()
        return self.dump, self.truth()

    def truth(self) -> dict:
        return {"department_id": self.dept.ident, "department": self.name, "fiscal_year": self.year, "kind": "budget",
                "tables_present": ["budget_income", "budget_expenditure", "budget_general_expenditure",
                                   "budget_three_public"],
                "cells": self.cells, "narrative": self.facts, "narrative_qualified": {}, "comparatives": {},
                "budget_vs_final": self.lines, "layout": self.layout.name,
                "sources": list(self.sources), "expenditure_sources": self.expenditure_sources}

    def heading(self, family: str, title: str, unit: str) -> None:
        """A table's title and the line under it (department and unit), as the layout prints them."""
        if self.layout.numbered:
            self.dump.add(f"公开{_TABLE_NUMBERS[family]:02d}表：{title}", f"部门：{self.name} 单位：{unit}")
        else:
            self.dump.add(f"{self.year}年{title}", f"编制部门：{self.name} 单位：{unit}")

    def amount(self, cents: int) -> str:
        """An amount of an expenditure table in the layout's unit (cents of 万元 are whole 元)."""
        return f"{cents * 100:,}" if self.layout.unit == "元" else money(cents)

    def narrative(self) -> None:
        dp, y = self.dump, self.y
        three, last = three_public_budget(y), three_public_budget(self.prev)
        agency = _factor(self.rng, y.agency_cost)
        procurement = {k: _factor(self.rng, y.procurement.get(k, 0)) for k in ("goods", "works", "services")}
        total_procurement = sum(procurement.values())
        dp.page()
        dp.add(f"{self.year}年部门预算编制说明", "一、“三公”经费预算情况说明")
        change = three["total"] - last["total"]
        stated = "持平" if change == 0 else f"{'增加' if change > 0 else '减少'}{money(abs(change))}万元"
        dp.para(f"{self.year}年“三公”经费预算数为{money(three['total'])}万元，比{self.year - 1}年预算{stated}。")
        dp.add("二、机关运行经费预算")
        dp.para(f"{self.year}年本部门机关运行经费预算为{money(agency)}万元。")
        dp.add("三、政府采购预算情况")
        dp.para(f"{self.year}年本部门政府采购预算{money(total_procurement)}万元，其中：政府采购货物预算"
                f"{money(procurement['goods'])}万元、政府采购工程预算{money(procurement['works'])}万元、政府采购服务预算"
                f"{money(procurement['services'])}万元。")
        self.facts.update({
            "three_public_budget": value(three["total"]), "three_public_budget_change_amount": value(change),
            "agency_operating_cost_budget": value(agency), "procurement_budget": value(total_procurement),
            "procurement_goods_budget": value(procurement["goods"]),
            "procurement_works_budget": value(procurement["works"]),
            "procurement_services_budget": value(procurement["services"]),
        })

    def income_table(self) -> None:
        """收入预算总表: 合计 and the sources of funds, by function code."""
        self.dump.page()
        self.heading("budget_income", "部门收入预算总表", self.layout.unit)
        self.coded_rows("budget_income", self.by_source, ("total",) + self.sources,
                        lambda row: [sum(row)] + row)

    def coded_table(self, family: str, title: str, values: dict[str, list[int]], scope: str) -> None:
        """合计, 类, 款, 项 rows (合计 基本支出 项目支出, then the sources where the 支出总表 prints them), and the budget
        side of their lines in fct_budget_vs_final."""
        self.dump.page()
        self.heading(family, title, self.layout.unit)
        columns = ("total", "basic", "project")
        if family == "budget_expenditure" and self.expenditure_sources == "function":
            columns += self.sources
            values = {code: pair + self.by_source[code] for code, pair in values.items()}
        for code, row in self.coded_rows(family, values, columns, lambda row: [row[0] + row[1]] + row).items():
            line = "expenditure_total" if code is None and scope == "all_funds" else code
            if line is not None:
                self.lines.append({"scope": scope, "line": line, "budget": value(row[0])})

    def unit_table(self) -> None:
        """支出预算总表 per unit (西安 表3): 合计 then a row per unit, each 合计 基本支出 项目支出 and the sources of the 项
        dealt to it (the department's 项 in code order, to its units in turn)."""
        self.dump.page()
        self.heading("budget_expenditure", "部门支出预算总表", self.layout.unit)
        units = self.dept.units[self.year]
        sums = {unit: [0] * (2 + len(self.sources)) for unit in units}
        for i, code in enumerate(sorted(self.all_funds)):
            for k, cents in enumerate(self.all_funds[code] + self.by_source[code]):
                sums[units[i % len(units)]][k] += cents
        total = [sum(column) for column in zip(*sums.values())]
        columns = ("total", "basic", "project") + self.sources
        rows = {(None, unit): [row[0] + row[1]] + row for unit, row in [(None, total), *sums.items()]}
        self.print_rows("budget_expenditure", ("单位名称", ""), columns, rows)
        self.lines.append({"scope": "all_funds", "line": "expenditure_total", "budget": value(total[0] + total[1])})

    def coded_rows(self, family: str, values: dict[str, list[int]], columns: tuple[str, ...],
                   printed_row) -> dict[str | None, list[int | None]]:
        """The 合计, 类, 款, 项 rows of ``values`` summed up the codes, printed (:meth:`print_rows`); ``printed_row``
        makes a row's amounts (in ``columns``) from its sums. The rows printed, by code (合计: None)."""
        sums: dict[str, list[int]] = {}
        for code, row in values.items():
            for key in ("合计", code[:3], code[:5], code):
                acc = sums.setdefault(key, [0] * len(row))
                for i, cents in enumerate(row):
                    acc[i] += cents
        rows = {(None if key == "合计" else key, None): printed_row(sums[key])
                for key in ["合计"] + sorted(k for k in sums if k != "合计")}
        printed = self.print_rows(family, ("科目编码", "科目名称"), columns, rows)
        return {code: amounts for (code, _), amounts in printed.items()}

    def print_rows(self, family: str, label_headers: tuple[str, str], columns: tuple[str, ...],
                   rows: dict[tuple[str | None, str | None], list[int]]) -> dict:
        """The header and the rows (keyed by code or unit name; neither: 合计) of a table and their cells in the truth.
        A zero source is blank (NULL); a source blank on every row is printed but has no cells in the truth (nothing
        tells it from a column not printed). The amounts printed, by key."""
        headers = {"total": "合计", "basic": "基本支出", "project": "项目支出", **_SOURCE_HEADERS}
        self.dump.add("\t".join((*label_headers, *(headers[c] for c in columns))))
        printed = {key: [None if c in _SOURCE_HEADERS and not cents else cents for c, cents in zip(columns, row)]
                   for key, row in rows.items()}
        read = [c for i, c in enumerate(columns) if any(amounts[i] is not None for amounts in printed.values())]
        for (code, label), amounts in printed.items():
            first = (code, catalog.function_name(code, self.year)) if code else (label or "合计", "")
            self.dump.add("\t".join(first) + "".join(f"\t{'' if c is None else self.amount(c)}" for c in amounts))
            for column, cents in zip(columns, amounts):
                if column in read:
                    self.cells.append({"family": family, "code": code,
                                       "item": "total" if code is None and label is None else None, "side": None,
                                       "label": label, "column": column, "value": value(cents)})
        return printed

    def three_public_table(self) -> None:
        dp, three = self.dump, three_public_budget(self.y)
        dp.page()
        self.heading("budget_three_public", "“三公”经费预算表", "万元")
        dp.add("项目\t\t预算数")
        for label, item in _THREE_PUBLIC_ROWS:
            dp.add(f"{label}\t\t{money(three.get(item, 0))}")
            self.cells.append({"family": "budget_three_public", "code": None, "item": item, "side": None,
                               "label": None, "column": "budget", "value": value(three.get(item, 0))})
            self.lines.append({"scope": "three_public", "line": item, "budget": value(three.get(item, 0))})
