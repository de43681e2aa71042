"""Rendering a synthetic department-year into the text-dump form of a real report (:mod:`gongkai.synth.dump`),
together with its truth.

The renderer holds the department-year, the dump and the truth; the narrative pages are written by
:class:`NarrativeSections`, the standard tables by :class:`TableSections`, the attachments (项目绩效自评表) here. The
truth records every table cell the parser should read (value or null), the headline facts of the narrative, the
comparatives it states and the projects with their scores.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from gongkai.synth.dump import Dump, money, num, percent, plain, value
from gongkai.synth.model import Department, Project, Year, pct
from gongkai.synth.render_narrative import NarrativeSections
from gongkai.synth.render_tables import TableSections


@dataclass
class Options:
    """Variations that the current parser cannot read (see the synth README in the report); off by default."""

    fund_blanks_dropped: bool = False  # 07 政府性基金 table with its blank cells dropped (its row identities, 年初 + 收入 =
    # 支出 + 年末 and 支出 = 基本 + 项目, place all but a 支出 that is all 基本 or all 项目)
    zero_column_any: bool = False  # 0.00 printed in 其他收入 also when other income columns carry amounts
    business_expenditure: bool = False  # 经营支出 / 经营收入 of a 事业单位 (03 column 5 has no anchor)
    absent_optional_tables: bool = False  # 8-table sets: 政府性基金 / 国有资本经营 table left out (read now: the 04 table's
    # blank income lines of such a fund make its column blank)
    biao_labels: bool = False  # '表5 一般公共预算…' labels (read now)
    state_capital_blanks_dropped: bool = False  # 08 table printing only 合计 and 项目支出 (basic blank, undecidable)
    one_sided_carryover: bool = False  # 04 年末结转 with a zero carry for a fund type whose table is non-empty (read
    # now where the 07 table's own 年末结转 is 0.00; the 08 table prints none, so a 国有资本经营 share stays ambiguous)

    @classmethod
    def all(cls) -> "Options":
        """Every variation the parser is known to mis-read (for stress runs and for the lead's parser work)."""
        return cls(*(True,) * 8)


class Renderer(NarrativeSections, TableSections):
    def __init__(self, dept: Department, year: Year, prev: Year, rng: random.Random, options: Options):
        self.dept = dept
        self.y = year
        self.prev = prev
        self.rng = rng
        self.options = options
        self.name = dept.names[year.year]
        self.year = year.year
        self.style = dept.style
        self.dump = Dump()
        self.cells: list[dict] = []
        self.facts: dict[str, float] = {}
        self.qualified: dict[str, dict[str, float]] = {}
        self.comparatives: dict[str, float] = {}
        self.injected: list[dict] = []
        self.expected_fails: list[str] = []
        self.tables_present: list[str] = []
        self.old_name_tables: set[str] = set()
        if dept.rename_year == year.year and rng.random() < 0.7:
            families = ["income", "expenditure", "general_budget_expenditure", "three_public"]
            self.old_name_tables = set(rng.sample(families, rng.randint(1, 3)))

    # -- helpers ---------------------------------------------------------------------------------------------------
    def fact(self, key: str, cents_or_value, *, is_cents: bool = True, qualifier: str | None = None) -> None:
        v = value(cents_or_value) if is_cents else cents_or_value
        if qualifier is None:
            self.facts[key] = v
        else:
            self.qualified.setdefault(key, {})[qualifier] = v

    def cell(self, family: str, column: str, cents: int | None, *, code: str | None = None,
             item: str | None = None, side: str | None = None, label: str | None = None) -> None:
        self.cells.append({"family": family, "code": code, "item": item, "side": side, "label": label,
                           "column": column, "value": value(cents)})

    def change(self, key: str, cur: int, prev: int, subject: str, inline: bool = False) -> str:
        """The stated change from last year, and its comparative in the truth. ``inline``: '<subject>比上年增加 …'
        ('<subject>与上年持平'); else '与上年相比，<subject>增加 …' ('与上年相比，<subject>持平')."""
        self.comparatives[key] = value(prev)
        diff = cur - prev
        if diff == 0:
            return f"{subject}与上年持平" if inline else f"与上年相比，{subject}持平"
        up = diff > 0
        verb = '增加' if up else '减少'
        text = (f"{subject}比上年{verb} " if inline else f"与上年相比，{subject}{verb} ") + f"{money(abs(diff))} 万元"
        amount_key = "appropriation_change_amount" if key == "appropriation_expenditure" else f"{key}_change_amount"
        self.facts[amount_key] = value(diff)
        if prev > 0:
            p = pct(abs(diff), prev)
            text += f",{'增长' if up else '下降'} {percent(p)}%"
            self.facts[amount_key.replace("_amount", "_pct")] = (1 if up else -1) * p / 100
        return text

    # -- the whole report ---------------------------------------------------------------------------------------------
    def render(self) -> tuple[str, dict]:
        self.cover()
        self.overview()
        self.narrative()
        self.glossary()
        self.tables()
        self.attachments()
        return self.dump.text(), self.truth()

    def truth(self) -> dict:
        d = self.dept
        return {
            "department_id": d.ident,
            "department": self.name,
            "aliases": sorted(set(d.names.values())),
            "region": d.region,
            "level": d.level,
            "fiscal_year": self.year,
            "kind": "final",
            "units_in_scope": self.units,
            "tables_present": self.tables_present,
            "cells": self.cells,
            "narrative": self.facts,
            "narrative_qualified": self.qualified,
            "comparatives": self.comparatives,
            "projects": [project_truth(p, self.name) for p in self.y.projects],
            "injected": self.injected,
            "expected_failed_checks": sorted(set(self.expected_fails)),
        }

    # -- attachments ------------------------------------------------------------------------------------------------
    def attachments(self) -> None:
        self.dump.page()
        self.dump.add("第五部分 附件")
        for pr in self.y.projects:
            self.project_table(pr)

    def project_table(self, pr: Project) -> None:
        dp = self.dump
        dp.page()
        dp.add("预算项目(政策)绩效自评表", "", f"({self.year}年度)")
        dp.add(f"项目(政策)名称 {pr.name}", f"主管部门 {self.name}", f"实施单位 {pr.unit}",
               f"项目预算金额（万元） {plain(pr.budget)} 全年执行数（万元） {plain(pr.actual)} 执行率 {percent(pr.rate)}%",
               "年度总体", "目标", "年初设定目标 全年实际完成情况", f"保障{pr.name[:8]}相关工作顺利开展。",
               f"{self.year}年，按计划完成{pr.name[:8]}相关工作任务。",
               "绩效指标", "一级指标 二级指标 三级指标", "年度目标值", "全年", "完成值", "完成", "程度", "分值 得分",
               "未完成原因分析", "改进措施运算", "符号", "内容", "度量", "单位", "经费", "保障", "制度", "保障", "人员保",
               "障", "硬件", "条件", "保障", "其他 原因说明")
        level1 = level2 = None
        for ind in pr.indicators:
            if ind["level1"] != level1:
                level1 = ind["level1"]
                dp.add(level1)
            if ind["level2"] != level2:
                level2 = ind["level2"]
                dp.add(*(("社会效益", "指标") if level2 == "社会效益指标" else (level2,)))
            dp.add(f"{ind['level3']} {ind['operator']} {ind['target']} {ind['unit']} {ind['actual']} {ind['completion']} "
                   f"{num(ind['weight'])} {num(ind['score'])}")
        dp.add(f"指标自评得分小计 {num(pr.subtotal)} 预算执行率得分 {num(pr.execution_score)} 减分项 {num(pr.deduction)} "
               f"绩效自评总得分 {num(pr.total)}")


def project_truth(pr: Project, department: str) -> dict:
    return {
        "name": pr.name, "department": department, "implementing_unit": pr.unit, "budget": value(pr.budget),
        "actual": value(pr.actual), "execution_rate_pct": pr.rate / 100, "indicator_subtotal": pr.subtotal,
        "execution_score": pr.execution_score, "deduction": pr.deduction, "total_score": pr.total,
        "indicators": pr.indicators,
    }
