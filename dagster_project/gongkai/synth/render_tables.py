"""The nine standard tables of a synthetic final account (01 收入支出决算总表 … 09 “三公”经费支出决算表), each cell
recorded in the truth with the value the parser should read (blank: null)."""

from __future__ import annotations

from gongkai.synth import catalog
from gongkai.synth.dump import money


FAMILY_COLUMNS = {
    "income": ("total", "fiscal_appropriation", "superior_subsidy", "public_service_revenue", "business_revenue",
               "affiliated_remittance", "other_revenue"),
    "expenditure": ("total", "basic", "project", "remittance_to_superior", "business", "subsidy_to_affiliates"),
    "general_budget_expenditure": ("total", "basic", "project"),
    "government_fund": ("carryover_begin", "income", "total", "basic", "project", "carryover_end"),
}


class TableSections:
    """The table pages of :class:`gongkai.synth.render.Renderer` (mixed into it: the renderer holds the department-year,
    the dump and the truth)."""

    # -- tables -----------------------------------------------------------------------------------------------------
    def title(self, family: str, title: str, number: int) -> None:
        label_style = self.style["labels"]
        if label_style == "biao" and not self.options.biao_labels:
            label_style = "plain"
        self.dump.page()
        if label_style == "shanghai":
            self.dump.add(f"{catalog.CN_NUMERALS[number - 1]}、{title}")
        elif label_style == "biao":
            self.dump.add(f"表{number} {title}")
        else:
            self.dump.add(title)
        if label_style == "liaoning":
            self.dump.add(f"公开 {number:02d}表")
        name = self.dept.names[self.year - 1] if family in self.old_name_tables and (self.year - 1) in self.dept.names \
            else self.name
        self.dump.add(f"部门：{name} 单位：万元")
        self.tables_present.append(family)

    def zero_column(self) -> bool:
        """The seed's 0.00 in the 其他收入 column (收入决算表 and 总表 line 八): by default only when appropriation is
        the only income, as in the seed (otherwise a child's 0.00 could sit in any column its parent prints)."""
        y = self.y
        if not self.style["zero_column"] or y.sum("other_revenue"):
            return False
        return self.options.zero_column_any or y.income_total == y.sum("fiscal")

    def note(self, text: str) -> None:
        self.dump.add(f"注：{text}", "    本表金额转换成万元时，因四舍五入可能存在尾差。",
                      "    如本表为空，则我部门本年度无此类资金收支余。")

    def tables(self) -> None:
        y = self.y
        self.dump.page()
        self.dump.add(f"第四部分 {self.year} 年度部门决算表")
        order = ["summary", "income", "expenditure", "appropriation", "general", "basic", "fund", "state_capital",
                 "three_public"]
        if self.style["order"] == "liaoning_city":
            order = ["summary", "income", "expenditure", "appropriation", "general", "basic", "three_public", "fund",
                     "state_capital"]
        fund_mode = self.style["fund_table"] if not y.fund_expenditure else "present"
        sc_mode = self.style["sc_table"] if not y.sc_expenditure else "present"
        if not self.options.absent_optional_tables:
            fund_mode = "empty" if fund_mode == "absent" else fund_mode
            sc_mode = "empty" if sc_mode == "absent" else sc_mode
        number = 0
        self.summary_injection = self._choose_injection()
        for key in order:
            if key == "fund" and fund_mode == "absent":
                continue
            if key == "state_capital" and sc_mode == "absent":
                continue
            number += 1
            getattr(self, f"table_{key}")(number)

    def _choose_injection(self) -> tuple[str, int] | None:
        """尾差: a 总表 class line off by 0.01 (within tolerance) or by 0.05–0.09 (a failed check) now and then."""
        r = self.rng.random()
        classes = sorted({c[:3] for c, i in self.y.items.items() if i.expenditure})
        if r < 0.25:
            return self.rng.choice(classes), self.rng.choice((1, -1))
        if r < 0.32:
            return self.rng.choice(classes), self.rng.choice((5, 6, 7, 8, 9))
        return None

    # 01 收入支出决算总表
    def table_summary(self, number: int) -> None:
        y, dp, fam = self.y, self.dump, "income_expenditure_summary"
        self.title(fam, "收入支出决算总表", number)
        dp.add("收入 支出", "项目", "行", "次", "金额 项目", "行", "次", "金额", "栏次 1 栏次 2")
        zero_other = self.zero_column()
        income = [
            ("一、一般公共预算财政拨款收入", "general_budget_appropriation", y.gb_income),
            ("二、政府性基金预算财政拨款收入", "government_fund_appropriation", y.fund_income),
            ("三、国有资本经营预算财政拨款收入", "state_capital_appropriation", y.sc_income),
            ("四、上级补助收入", "superior_subsidy", y.sum("superior")),
            ("五、事业收入", "public_service_revenue", y.sum("public_service")),
            ("六、经营收入", "business_revenue", y.sum("business_revenue")),
            ("七、附属单位上缴收入", "affiliated_remittance", 0),
            ("八、其他收入", "other_revenue", y.sum("other_revenue")),
        ]
        by_class: dict[str, int] = {}
        for code, item in y.items.items():
            by_class[code[:3]] = by_class.get(code[:3], 0) + item.expenditure
        n_classes = len(catalog.SUMMARY_CLASSES)
        right_start = n_classes + 6
        for i in range(n_classes):
            left = ""
            if i < len(income):
                label, item, amount = income[i]
                printed = amount if amount else (0 if (item == "other_revenue" and zero_other) else None)
                self.cell(fam, "amount", printed, item=item, side="income")
                left = f"{label} {i + 1}" + (f" {money(printed)}" if printed is not None else "")
            else:
                left = f"{i + 1}"
            code, default = catalog.SUMMARY_CLASSES[i]
            name = catalog.function_name(code, self.year) if code in catalog.FUNCTION_NAMES else default
            label = f"{catalog.CN_NUMERALS[i]}、{name}"
            amount = by_class.get(code) if code else None
            if amount is not None and self.summary_injection and self.summary_injection[0] == code:
                delta = self.summary_injection[1]
                amount += delta
                beyond = abs(delta) > 2
                self.injected.append({"table": fam, "row": name, "column": "amount", "delta": delta / 100,
                                      "beyond_tolerance": beyond})
                if beyond:  # the reconciliation's tolerances: 0.02 for a pair, +0.005 per term past three
                    self.expected_fails.append(f"cross.expenditure_class.{code}")
                    if abs(delta) / 100 > 0.02 + 0.005 * (n_classes - 3):
                        self.expected_fails.append(f"{fam}.expenditure_lines")
            self.cell(fam, "amount", amount, label=name, side="expenditure")
            right = f"{label} {right_start + i}" + (f" {money(amount)}" if amount is not None else "")
            dp.add(f"{left} {right}")
        base = n_classes
        rows = (
            ("本年收入合计", "income_total", y.income_total, "本年支出合计", "expenditure_total", y.expenditure_total),
            ("使用非财政拨款结余", "non_appropriation_surplus_used", None, "结余分配", "surplus_distribution", None),
            ("年初结转和结余", "carryover_begin", y.carry_begin or None, "年末结转和结余", "carryover_end",
             y.carry_end or None),
            (None, None, None, None, None, None),
            ("总计", "grand_total", y.grand_total, "总计", "grand_total", y.grand_total),
        )
        for j, (ll, li, lv, rl, ri, rv) in enumerate(rows, 1):
            left = f"{ll + ' ' if ll else ''}{base + j}" + (f" {money(lv)}" if lv is not None else "")
            right = f"{rl + ' ' if rl else ''}{right_start + n_classes + j - 1}" + (f" {money(rv)}" if rv is not None else "")
            if li:
                self.cell(fam, "amount", lv, item=li, side="income")
                self.cell(fam, "amount", rv, item=ri, side="expenditure")
            dp.add(f"{left} {right}")
        self.note("本表反映部门本年度的总收支和年末结转结余情况。")

    # function-coded tables ------------------------------------------------------------------------------------------
    def coded_rows(self, values: dict[str, list[int]], zero_columns: set[int] = frozenset(),
                   zero_rows: bool = True) -> list[tuple[str | None, str, list[int | None]]]:
        """合计, then 类 / 款 / 项 rows with their sums; a zero cell is blank unless its column is in zero_columns."""
        width = len(next(iter(values.values()))) if values else 0
        sums: dict[str, list[int]] = {}
        for code, row in values.items():
            for key in (code[:3], code[:5], code, "合计"):
                acc = sums.setdefault(key, [0] * width)
                for i, v in enumerate(row):
                    acc[i] += v
        out = []
        for key in ["合计"] + sorted(k for k in sums if k != "合计"):
            row = sums[key]
            printed: list[int | None] = [v if v else (0 if i in zero_columns else None) for i, v in enumerate(row)]
            if all(v is None for v in printed) and zero_rows:
                printed[0] = 0  # a row of zeros prints its total as 0.00
            name = "合计" if key == "合计" else catalog.function_name(key, self.year)
            out.append((None if key == "合计" else key, name, printed))
        return out

    def render_coded(self, fam: str, columns: tuple[str, ...], rows) -> None:
        spaced = self.style["spaced_codes"]
        for code, name, printed in rows:
            amounts = " ".join(money(v) for v in printed if v is not None)
            if code is None:
                self.dump.add(f"合计 {amounts}".rstrip())
            else:
                shown = code if not spaced else " ".join(filter(None, (code[:3], code[3:5], code[5:7])))
                self.dump.add(f"{shown} {name} {amounts}".rstrip())
            for column, v in zip(columns, printed):
                self.cell(fam, column, v, code=code, item="total" if code is None else None)

    def coded_header(self, headers: str, counts: str) -> None:
        self.dump.add("项目", "功能分类科", "目编码", "科目名称", headers, f"栏次 {counts}")

    # 02 收入决算表
    def table_income(self, number: int) -> None:
        y, fam = self.y, "income"
        self.title(fam, "收入决算表", number)
        self.coded_header("本年收入合计 财政拨款收入 上级补助收入 事业收入 经营收入\n附属单位上缴\n收入\n其他收入",
                          "1 2 3 4 5 6 7")
        values = {c: [i.income, i.fiscal, i.superior, i.public_service, i.business_revenue, 0, i.other_revenue]
                  for c, i in y.items.items() if i.income or i.gb or i.expenditure}
        zero_columns: set[int] = set()
        if self.zero_column():
            zero_columns = {6}
        rows = self.coded_rows(values, zero_columns)
        self.render_coded(fam, FAMILY_COLUMNS[fam], rows)
        self.note("本表反映部门本年度取得的各项收入情况。")

    # 03 支出决算表
    def table_expenditure(self, number: int) -> None:
        y, fam = self.y, "expenditure"
        self.title(fam, "支出决算表", number)
        self.coded_header("本年支出合计 基本支出 项目支出 上缴上级支出 经营支出\n对附属单位补\n助支出", "1 2 3 4 5 6")
        values = {c: [i.expenditure, i.basic, i.project, 0, i.business, 0] for c, i in y.items.items()
                  if i.expenditure or i.gb or i.income}
        self.render_coded(fam, FAMILY_COLUMNS[fam], self.coded_rows(values))
        self.note("本表反映部门本年度各项支出情况。")

    # 04 财政拨款收入支出决算总表
    def table_appropriation(self, number: int) -> None:
        y, dp, fam = self.y, self.dump, "appropriation_summary"
        self.title(fam, "财政拨款收入支出决算总表", number)
        dp.add("收     入 支     出", "项目", "行", "次", "金额 项目", "行", "次", "合计", "一般公共预算财", "政拨款",
               "政府性基金预算", "财政拨款", "国有资本经营预", "算财政拨款", "栏次 1 栏次 2 3 4 5")
        income = [("一、一般公共预算财政拨款", "general_budget_appropriation", y.gb_income),
                  ("二、政府性基金预算财政拨款", "government_fund_appropriation", y.fund_income),
                  ("三、国有资本经营财政拨款", "state_capital_appropriation", y.sc_income)]
        by_class: dict[str, list[int]] = {}
        for code, item in y.items.items():
            acc = by_class.setdefault(code[:3], [0, 0, 0])
            acc[0] += item.gb
            acc[1] += item.fund_basic + item.fund_project
            acc[2] += item.sc_project
        n_classes = len(catalog.SUMMARY_CLASSES)
        right_start = n_classes + 7
        spend_cols = ("total", "general_budget", "government_fund", "state_capital")

        def spend(parts: list[int] | None) -> tuple[list[int | None], str]:
            if parts is None or not any(parts):
                return [None] * 4, ""
            printed = [sum(parts)] + [p or None for p in parts]
            return printed, " " + " ".join(money(v) for v in printed if v is not None)

        for i in range(n_classes):
            if i < len(income):
                label, item, amount = income[i]
                self.cell(fam, "amount", amount or None, item=item, side="income")
                left = f"{label} {i + 1}" + (f" {money(amount)}" if amount else "")
            else:
                left = f"{i + 1}"
            code, default = catalog.SUMMARY_CLASSES[i]
            name = catalog.function_name(code, self.year) if code in catalog.FUNCTION_NAMES else default
            printed, text = spend(by_class.get(code) if code else None)
            for column, v in zip(spend_cols, printed):
                self.cell(fam, column, v, label=name, side="expenditure")
            dp.add(f"{left} {catalog.CN_NUMERALS[i]}、{name} {right_start + i}{text}")
        base = n_classes
        begin = [y.carry_begin_gb, y.carry_begin_fund, y.carry_begin_sc]
        end = [y.carry_end_gb, y.carry_end_fund, y.carry_end_sc]
        spent = [y.gb_expenditure, y.fund_expenditure, y.sc_expenditure]
        income_total = y.gb_income + y.fund_income + y.sc_income
        grand = income_total + sum(begin)
        r = right_start + n_classes
        lines = [
            (("本年收入合计", "income_total", income_total), ("本年支出合计", "expenditure_total", spent)),
            (("年初财政拨款结转和结余", "carryover_begin", sum(begin)), ("年末财政拨款结转和结余", "carryover_end", end)),
            (("  一般公共预算财政拨款", "carryover_begin_general_budget_appropriation", begin[0]), None),
            (("  政府性基金预算财政拨款", "carryover_begin_government_fund_appropriation", begin[1]), None),
            (("  国有资本经营预算财政拨款", "carryover_begin_state_capital_appropriation", begin[2]), None),
            (("总计", "grand_total", grand), ("总计", "grand_total", [grand - sum(end) + sum(end)] and
                                            [spent[k] + end[k] for k in range(3)])),
        ]
        for j, (left, right) in enumerate(lines):
            ll, li, lv = left
            self.cell(fam, "amount", lv or None, item=li, side="income")
            text = f"{ll} {base + 1 + j}" + (f" {money(lv)}" if lv else "")
            if right is None:
                text += f" {r + j}"
            else:
                rl, ri, parts = right
                printed, amounts = spend(parts)
                for column, v in zip(spend_cols, printed):
                    self.cell(fam, column, v, item=ri, side="expenditure")
                text += f" {rl} {r + j}{amounts}"
            dp.add(text)
        self.note("本表反映部门本年度一般公共预算财政拨款、政府性基金预算财政拨款和国有资本经营预算财政拨款的总收支和年末结转结余情况。")

    # 05 一般公共预算财政拨款支出决算表
    def table_general(self, number: int) -> None:
        y, fam = self.y, "general_budget_expenditure"
        self.title(fam, "一般公共预算财政拨款支出决算表", number)
        self.dump.add("项目 本年支出", "功能分类科", "目编码", "科目名称 小计 基本支出 项目支出", "栏次 1 2 3")
        values = {c: [i.gb, i.gb_basic, i.gb_project] for c, i in y.items.items() if c in self.dept.items}
        self.render_coded(fam, FAMILY_COLUMNS[fam], self.coded_rows(values))
        self.note("本表反映部门本年度一般公共预算财政拨款支出情况。")

    # 06 一般公共预算财政拨款基本支出决算表
    def table_basic(self, number: int) -> None:
        y, dp, fam = self.y, self.dump, "general_budget_basic_expenditure"
        title = "一般公共预算财政拨款基本支出决算明细表" if self.style["detail_title"] else "一般公共预算财政拨款基本支出决算表"
        self.title(fam, title, number)
        dp.add("人员经费 公用经费", "科目编", "码", "科目名称 决算数", "科目编", "码", "科目名称 决算数", "科目编", "码",
               "科目名称 决算数")
        panels = []
        for panel in catalog.ECONOMIC_PANELS:
            segments = []
            for code, name in panel:
                if len(code) == 3:
                    amount = sum(v for c, v in y.economic.items() if c[:3] == code)
                else:
                    amount = y.economic.get(code, 0)
                printed = amount or None
                self.cell(fam, "amount", printed, code=code)
                sep = " " if len(code) == 3 else "   "
                segments.append(f"{code}{sep}{name}" + (f" {money(printed)}" if printed is not None else ""))
            panels.append(segments)
        depth = max(len(p) for p in panels)
        for i in range(depth):
            dp.add(" ".join(p[i] for p in panels if i < len(p)))
        self.cell(fam, "amount", y.personnel, item="personnel_total")
        self.cell(fam, "amount", y.public, item="public_total")
        dp.add(f"人员经费合计 {money(y.personnel)} 公用经费合计 {money(y.public)}")
        self.note("本表反映部门本年度一般公共预算财政拨款基本支出明细情况。")

    # 07 政府性基金预算财政拨款收入支出决算表
    def table_fund(self, number: int) -> None:
        y, fam = self.y, "government_fund"
        self.title(fam, "政府性基金预算财政拨款收入支出决算表", number)
        self.dump.add("项目 本年支出", "功能分类科", "目编码", "科目名称", "年初结转和结", "余", "本年收入",
                      "小计 基本支出 项目支出", "年末结转和结", "余", "栏次 1 2 3 4 5 6")
        fund_codes = [c for c, i in y.items.items() if i.fund_basic or i.fund_project]
        if not fund_codes:
            self.dump.add("合计")
            for column in FAMILY_COLUMNS[fam]:
                self.cell(fam, column, None, item="total")
        else:
            values = {}
            for n, c in enumerate(fund_codes):
                i = y.items[c]
                begin = y.carry_begin_fund if n == 0 else 0
                income = i.fiscal
                spend = i.fund_basic + i.fund_project
                values[c] = [begin, income, spend, i.fund_basic, i.fund_project, begin + income - spend]
            zero_columns = set() if self.options.fund_blanks_dropped else set(range(6))
            self.render_coded(fam, FAMILY_COLUMNS[fam], self.coded_rows(values, zero_columns))
        self.note("本表反映部门本年度政府性基金预算财政拨款收入、支出及结转和结余情况。")

    # 08 国有资本经营预算财政拨款支出决算表
    def table_state_capital(self, number: int) -> None:
        y, fam = self.y, "state_capital"
        self.title(fam, "国有资本经营预算财政拨款支出决算表", number)
        self.dump.add("项目 本年支出", "功能分类科", "目编码", "科目名称 合计 基本支出 项目支出", "栏次 1 2 3")
        values = {c: [i.sc_project, 0, i.sc_project] for c, i in y.items.items() if i.sc_project}
        if not values:
            self.dump.add("合计")
            for column in ("total", "basic", "project"):
                self.cell(fam, column, None, item="total")
        else:
            zero_columns = set() if self.options.state_capital_blanks_dropped else {1}
            self.render_coded(fam, ("total", "basic", "project"), self.coded_rows(values, zero_columns))
        self.note("本表反映部门本年度国有资本经营预算财政拨款支出情况。")

    # 09 财政拨款“三公”经费支出决算表
    def table_three_public(self, number: int) -> None:
        y, dp, fam = self.y, self.dump, "three_public"
        self.title(fam, "财政拨款“三公”经费支出决算表", number)
        dp.add("项    目 预算数 决算数")
        t = y.three_public
        vehicle = (t["vehicle_purchase"][0] + t["vehicle_operation"][0], t["vehicle_purchase"][1] +
                   t["vehicle_operation"][1])
        rows = (("合    计", "total", y.three_public_total), ("1.因公出国（境）费", "overseas_travel", t["overseas_travel"]),
                ("2.公务接待费", "reception", t["reception"]), ("3.公务用车购置及运行费", "vehicle_total", vehicle),
                ("其中:（1）公务用车运行维护费", "vehicle_operation", t["vehicle_operation"]),
                ("     （2）公务用车购置费", "vehicle_purchase", t["vehicle_purchase"]))
        for label, item, (budget, actual) in rows:
            printed = [budget or None, actual or None]
            self.cell(fam, "budget", printed[0], item=item)
            self.cell(fam, "actual", printed[1], item=item)
            dp.add(f"{label} " + " ".join(money(v) for v in printed if v is not None))
        dp.add("注：本表反映部门本年度财政拨款“三公”经费支出预决算情况。",
               "    其中：预算数为全年预算数，反映经调整后的预算数；决算数是包括当年财政拨款",
               "和以前年度结转资金安排的实际支出。", "    本表金额转换成万元时，因四舍五入可能存在尾差。")
