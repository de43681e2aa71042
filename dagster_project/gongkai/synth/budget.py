"""A synthetic department-year's budget (部门预算), matching its synthetic final, with its truth.

The budget of year Y is what the department planned before the year its final accounts for: each 项 of the final's
支出决算表 is budgeted at the amount spent times a factor drawn per 项 (0.85–1.15, basic and project apart), the
general budget likewise; 三公 is the final's own 预算数 (so the final's 三公 预算数 column and the budget agree), 机关运行经费
and 政府采购 the final's amounts times a factor. It prints 支出预算总表, 一般公共预算支出预算表 and the 三公 table, and a
说明 stating 三公 (with its change against last year's budget), 机关运行经费 and 政府采购. The truth holds every cell
and fact the parser should read, and the budget side of each line of fct_budget_vs_final (its final side is the
final's truth: the cells of its 支出决算表, 一般公共预算财政拨款支出决算表 and 三公 table).

Budgets come in the layouts of real families (:data:`LAYOUTS`): amounts in 万元; in 元 with thousands separators
(上海市普陀区: the 三公 table stays in 万元); or the Jiangsu numbering, 公开01表 … before each title with '部门：' and
the unit at the right margin. The truth is the same in 万元 whatever the layout.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from gongkai.synth import catalog
from gongkai.synth.model import Department, Year
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
_TABLE_NUMBERS = {"budget_expenditure": 3, "budget_general_expenditure": 5, "budget_three_public": 9}  # 江苏 2018


def _factor(rng: random.Random, cents: int) -> int:
    return int(cents * rng.uniform(0.85, 1.15)) if cents else 0


def three_public_budget(year: Year) -> dict[str, int]:
    """The year's 三公 budget by item (cents): the final's 预算数 column."""
    t = {item: budget for item, (budget, _) in year.three_public.items()}
    t["vehicle_total"] = t.get("vehicle_purchase", 0) + t.get("vehicle_operation", 0)
    t["total"] = t["vehicle_total"] + t.get("overseas_travel", 0) + t.get("reception", 0)
    return t


class BudgetRenderer:
    """The budget of ``year`` for ``dept`` (the final's accounts of that year), last year's for its stated change."""

    def __init__(self, dept: Department, year: Year, prev: Year, rng: random.Random,
                 layout: BudgetLayout = LAYOUTS[0]):
        self.dept, self.y, self.prev, self.rng, self.layout = dept, year, prev, rng, layout
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

    def render(self) -> tuple[Dump, dict]:
        self.dump.page()
        self.dump.add(self.name, f"{self.year}年部门预算", f"预算主管部门：{self.name}")
        self.narrative()
        self.coded_table("budget_expenditure", "部门支出预算总表", self.all_funds, "all_funds")
        self.coded_table("budget_general_expenditure", "一般公共预算支出预算表", self.general, "general_budget")
        self.three_public_table()
        return self.dump, self.truth()

    def truth(self) -> dict:
        return {"department_id": self.dept.ident, "department": self.name, "fiscal_year": self.year, "kind": "budget",
                "tables_present": ["budget_expenditure", "budget_general_expenditure", "budget_three_public"],
                "cells": self.cells, "narrative": self.facts, "narrative_qualified": {}, "comparatives": {},
                "budget_vs_final": self.lines, "layout": self.layout.name}

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

    def coded_table(self, family: str, title: str, values: dict[str, list[int]], scope: str) -> None:
        """合计, 类, 款, 项 rows (合计 基本支出 项目支出), and the budget side of their lines in fct_budget_vs_final."""
        dp = self.dump
        dp.page()
        self.heading(family, title, self.layout.unit)
        dp.add("科目编码\t科目名称\t合计\t基本支出\t项目支出")
        sums: dict[str, list[int]] = {}
        for code, (basic, project) in values.items():
            for key in ("合计", code[:3], code[:5], code):
                acc = sums.setdefault(key, [0, 0])
                acc[0] += basic
                acc[1] += project
        for key in ["合计"] + sorted(k for k in sums if k != "合计"):
            basic, project = sums[key]
            code = None if key == "合计" else key
            name = "合计" if code is None else catalog.function_name(code, self.year)
            dp.add("\t".join(("合计", "") if code is None else (code, name))
                   + f"\t{self.amount(basic + project)}\t{self.amount(basic)}\t{self.amount(project)}")
            for column, cents in (("total", basic + project), ("basic", basic), ("project", project)):
                self.cells.append({"family": family, "code": code, "item": "total" if code is None else None,
                                   "side": None, "label": None, "column": column, "value": value(cents)})
            line = "expenditure_total" if code is None and scope == "all_funds" else code
            if line is not None:
                self.lines.append({"scope": scope, "line": line, "budget": value(basic + project)})

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
