"""The narrative of a synthetic final account: cover, 部门概况, 决算情况说明 (with the headline facts, comparatives and
projects it states recorded in the truth) and 名词解释."""

from __future__ import annotations

from gongkai.synth import catalog
from gongkai.synth.dump import money, num, percent, plain
from gongkai.synth.model import pct


class NarrativeSections:
    """The narrative pages of :class:`gongkai.synth.render.Renderer` (mixed into it: the renderer holds the
    department-year, the dump and the truth)."""

    # -- front matter ----------------------------------------------------------------------------------------------------
    def cover(self) -> None:
        self.dump.page()
        self.dump.add(self.name, f"{self.year}年度部门决算")

    def overview(self) -> None:
        self.dump.page()
        self.dump.add("第一部分  部门概况", "一、主要职责")
        duties = ("贯彻落实党中央和上级党委、政府关于本领域工作的方针政策和决策部署，在履行职责过程中坚持和加强党的领导。",
                  "拟订本领域地方性法规、规章草案和政策措施，组织实施并监督检查。",
                  "完成上级党委、政府交办的其他任务。")
        for i, duty in enumerate(duties):
            self.dump.para(f"（{catalog.CN_NUMERALS[i]}）{duty}", "    ")
        self.dump.add("二、部门决算单位构成")
        self.units = list(self.dept.units[self.year])
        self.dump.para(f"纳入{self.name} {self.year}年部门决算编制范围的预算单位包括：")
        for i, unit in enumerate(self.units, 1):
            self.dump.add(f"    {i}.{unit}")

    # -- narrative ---------------------------------------------------------------------------------------------------
    def narrative(self) -> None:
        y, p, dp = self.y, self.prev, self.dump
        dp.page()
        dp.add(f"第二部分 {self.year} 年度部门决算情况说明", "一、收入支出决算总体情况说明")
        grand = y.grand_total
        self.fact("income_total", grand)
        dp.para(f"（一）收入总计 {money(grand)} 万元，包括：")
        fiscal = y.gb_income + y.fund_income + y.sc_income
        self.fact("income_fiscal_appropriation", fiscal)
        self.fact("income_general_budget", y.gb_income)
        dp.para(f"1.财政拨款收入 {money(fiscal)}万元，占收入总计的 {percent(pct(fiscal, grand))}%。其中："
                f"一般公共预算财政拨款收入 {money(y.gb_income)}万元，政府性基金预算财政拨款收入 {money(y.fund_income)}万元，"
                f"国有资本经营预算财政拨款收入 {money(y.sc_income)}万元。")
        sources = (("上级补助收入", y.sum("superior")), ("事业收入", y.sum("public_service")),
                   ("经营收入", y.sum("business_revenue")), ("附属单位上缴收入", 0), ("其他收入", y.sum("other_revenue")),
                   ("使用非财政拨款结余", 0))
        for i, (label, amount) in enumerate(sources, 2):
            dp.para(f"{i}.{label} {money(amount)}万元，占收入总计的 {percent(pct(amount, grand))}%。")
        self.fact("carryover_begin", y.carry_begin)
        dp.para(f"8.上年结转和结余 {money(y.carry_begin)} 万元，占收入总计的 {percent(pct(y.carry_begin, grand))}%。"
                f"主要是以前年度尚未完成的项目资金。")
        dp.para(self.change("income_total", grand, p.grand_total, "今年收入总计") + "。主要原因：项目资金安排变化。")
        total = y.expenditure_total
        self.fact("expenditure_total", total)
        dp.para(f"（二）支出总计 {money(total)} 万元，包括：")
        basic, project = y.sum("basic"), y.sum("project")
        self.fact("expenditure_basic", basic)
        self.fact("expenditure_project", project)
        breakdown = ""
        if basic == y.gb_basic:
            eco = {k: sum(v for c, v in y.economic.items() if c[:3] == k) for k in ("301", "302", "303", "310")}
            breakdown = (f"其中：工资福利支出 {money(eco['301'])} 万元；商品和服务支出 {money(eco['302'])} 万元；"
                         f"对个人和家庭的补助 {money(eco['303'])}万元；资本性支出 {money(eco['310'])}万元。")
        dp.para(f"1.基本支出 {money(basic)} 万元，占支出总计的 {percent(pct(basic, total))}%。主要是为保障机构正常运转、"
                f"完成日常工作任务而发生的各项支出。{breakdown}")
        names = "、".join(pr.name for pr in y.projects)
        dp.para(f"2.项目支出 {money(project)}万元，占支出总计的 {percent(pct(project, total))}%。主要包括{names}等业务支出。")
        dp.para("3.上缴上级支出 0.00万元，占支出总计的 0.00%。")
        business = y.sum("business")
        dp.para(f"4.经营支出 {money(business)}万元，占支出总计的 {percent(pct(business, total))}%。")
        dp.para("5.对附属单位补助支出 0.00万元，占支出总计的 0.00%。")
        dp.para(self.change("expenditure_total", total, p.expenditure_total, "今年支出") + "。主要原因：项目支出变化。")
        self.fact("carryover_end", y.carry_end)
        dp.para(f"（三）年末结转和结余 {money(y.carry_end)} 万元。")
        dp.para("主要是项目尚未完成形成的结转结余。" + self.change("carryover_end", y.carry_end, p.carry_end, "今年结转结余")
                + "。主要原因：加强预算执行监督管理。")
        self.appropriation_narrative()
        self.three_public_narrative()
        dp.add("四、一般公共预算财政拨款基本支出决算情况说明")
        self.fact("basic_appropriation", y.gb_basic)
        self.fact("personnel_expenditure", y.personnel)
        self.fact("public_expenditure", y.public)
        dp.para(f"{self.year}年度一般公共预算财政拨款基本支出 {money(y.gb_basic)}万元，其中：人员经费 {money(y.personnel)}万元，"
                f"主要包括基本工资、津贴补贴、奖金、绩效工资、住房公积金、退休费等；公用经费 {money(y.public)}万元，"
                f"主要包括办公费、邮电费、物业管理费、差旅费、工会经费、公务用车运行维护费等。")
        self.other_matters()

    def appropriation_narrative(self) -> None:
        y, p, dp = self.y, self.prev, self.dump
        dp.add("二、财政拨款支出决算情况说明", "（一）总体情况。")
        ap = y.appropriation_expenditure
        ap_basic = y.gb_basic + y.sum("fund_basic")
        ap_project = ap - ap_basic
        self.fact("appropriation_expenditure", ap)
        self.fact("appropriation_basic", ap_basic)
        self.fact("appropriation_project", ap_project)
        initial = sum(i.initial_budget for i in y.items.values()) + y.fund_expenditure + y.sc_expenditure
        dp.para(f"{self.year} 年度财政拨款支出 {money(ap)} 万元，其中：基本支出 {money(ap_basic)}万元，项目支出 "
                f"{money(ap_project)}万元。" + self.change("appropriation_expenditure", ap, p.appropriation_expenditure,
                                                          "财政拨款支出")
                + f"，主要原因：项目支出变化。与年初预算相比，{self.year} 年度财政拨款支出完成年初预算的 "
                f"{percent(pct(ap, initial))}%。")
        dp.add("（二）一般公共预算财政拨款支出情况。")
        self.fact("general_budget_expenditure", y.gb_expenditure)
        dp.para(f"{self.year}年度一般公共预算财政拨款支出 {money(y.gb_expenditure)}万元。按支出功能分类科目分，包括：")
        classes: dict[str, list] = {}
        for code, item in y.items.items():
            if item.gb:
                classes.setdefault(code[:3], []).append(item)
        for n, (cls, items) in enumerate(sorted(classes.items()), 1):
            cls_name = catalog.function_name(cls, self.year)
            amount = sum(i.gb for i in items)
            self.fact("general_budget_class_amount", amount, qualifier=cls_name)
            dp.para(f"{n}.{cls_name} {money(amount)}万元，具体包括：")
            for m, item in enumerate(items, 1):
                kuan = catalog.function_name(item.code[:5], self.year)
                xiang = catalog.function_name(item.code, self.year)
                rate = pct(item.gb, item.initial_budget)
                compare = "大于" if item.gb > item.initial_budget else "小于" if item.gb < item.initial_budget else "持平"
                self.fact("general_budget_item_amount", item.gb, qualifier=f"{cls_name}/{kuan}/{xiang}")
                self.qualified.setdefault("general_budget_item_completion_pct", {})[f"{cls_name}/{kuan}/{xiang}"] = \
                    rate / 100
                dp.para(f"（{m}）{cls_name}（类）{kuan}（款）{xiang}（项）{money(item.gb)} 万元，主要是相关业务等支出，"
                        f"完成年初预算的 {percent(rate)}%，决算数{compare}年初预算数的原因主要是：据实列支。")
        dp.add("（三）政府性基金预算财政拨款支出情况。")
        if y.fund_expenditure:
            dp.para(f"{self.year}年度政府性基金预算财政拨款支出 {money(y.fund_expenditure)}万元，主要用于征地和拆迁补偿等。")
        else:
            dp.para(f"本部门 {self.year}年度无政府性基金预算财政拨款支出。")
        dp.add("（四）国有资本经营预算财政拨款支出情况。")
        if y.sc_expenditure:
            dp.para(f"{self.year}年度国有资本经营预算财政拨款支出 {money(y.sc_expenditure)}万元，主要用于解决历史遗留问题。")
        else:
            dp.para(f"本部门 {self.year}年度无国有资本经营预算财政拨款支出。")

    def three_public_narrative(self) -> None:
        y, p, dp = self.y, self.prev, self.dump
        t, tp = y.three_public, p.three_public
        budget, actual = y.three_public_total
        parts = {k: t[k][1] for k in t}
        prev_parts = {k: tp[k][1] for k in tp}
        vehicle = parts["vehicle_purchase"] + parts["vehicle_operation"]
        prev_vehicle = prev_parts["vehicle_purchase"] + prev_parts["vehicle_operation"]
        self.fact("three_public_total", actual)
        self.fact("three_public_overseas_travel", parts["overseas_travel"])
        self.fact("three_public_reception", parts["reception"])
        self.fact("three_public_vehicle_total", vehicle)
        self.fact("three_public_vehicle_purchase", parts["vehicle_purchase"])
        self.fact("three_public_vehicle_operation", parts["vehicle_operation"])
        dp.add("三、财政拨款“三公”经费支出决算情况说明")
        completion = f"，完成预算的 {percent(pct(actual, budget))}%" if budget else ""
        if budget:
            self.fact("three_public_completion_pct", pct(actual, budget) / 100, is_cents=False)
        dp.para(f"{self.year} 年度财政拨款安排的“三公”经费支出 {money(actual)} 万元{completion}，"
                f"决算数与预算数差异的主要原因是严格落实政府过紧日子要求。其中：因公出国（境）费 "
                f"{money(parts['overseas_travel'])} 万元，公务接待费 {money(parts['reception'])} 万元，公务用车购置及运行维护费 "
                f"{money(vehicle)}万元。" + self.change("three_public_total", actual, p.three_public_total[1],
                                                       "“三公”经费支出") + "。")
        share = lambda part: percent(pct(part, actual))  # noqa: E731
        text = (f"1.因公出国（境）费 {money(parts['overseas_travel'])} 万元，占“三公”经费支出的 "
                f"{share(parts['overseas_travel'])}%。{self.year} 年参加出国（境）团组 {y.outbound_groups} 个，累计 "
                f"{y.outbound_persons} 人次。")
        text += self.change("three_public_overseas_travel", parts["overseas_travel"], prev_parts["overseas_travel"],
                            f"{self.year} 年因公出国（境）费", inline=True) + "。"
        dp.para(text)
        text = (f"2.公务接待费 {money(parts['reception'])} 万元，占“三公”经费支出的 {share(parts['reception'])}%。"
                f"{self.year} 年国内公务接待累计 {y.reception_batches} 批次、{y.reception_persons} 人。")
        text += self.change("three_public_reception", parts["reception"], prev_parts["reception"], f"{self.year} 年公务接待费", inline=True) + "。"
        dp.para(text)
        text = (f"3.公务用车购置及运行费 {money(vehicle)} 万元，占“三公”经费支出的 {share(vehicle)}%，"
                + self.change("three_public_vehicle_total", vehicle, prev_vehicle, "", inline=True)
                + "，主要是严格落实政府过紧日子要求等原因。")
        self.fact("vehicles_operated", y.vehicles_operated, is_cents=False)
        text += (f"其中：公务用车购置费 {money(parts['vehicle_purchase'])} 万元，当年购置公务用车 "
                 f"{1 if parts['vehicle_purchase'] else 0} 辆。公务用车运行维护费 {money(parts['vehicle_operation'])} 万元，"
                 f"主要用于公务用车运行维护等，截至年末使用财政拨款开支运行维护费的公务用车保有量 {y.vehicles_operated}辆。")
        dp.para(text)

    def other_matters(self) -> None:
        y, p, dp = self.y, self.prev, self.dump
        dp.add("五、其他重要事项的情况说明", "（一）机关运行经费支出情况。")
        self.fact("agency_operating_cost", y.agency_cost)
        dp.para(f"{self.year}年机关运行经费支出 {money(y.agency_cost)}万元（与部门决算中行政单位和参照公务员法管理事业单位财政"
                f"拨款基本支出中公用经费之和一致），" + self.change("agency_operating_cost", y.agency_cost, p.agency_cost, "",
                                                          inline=True)
                + "，主要原因是严格落实政府过紧日子要求，压减办公费等支出。")
        dp.add("（二）政府采购支出情况。")
        pr = y.procurement
        for key in ("total", "goods", "works", "services"):
            self.fact(f"procurement_{key}", pr[key])
        self.fact("sme_amount", pr["sme"])
        self.fact("sme_share_pct", pct(pr["sme"], pr["total"]) / 100, is_cents=False)
        self.fact("small_micro_amount", pr["small_micro"])
        self.fact("small_micro_share_pct", pct(pr["small_micro"], pr["sme"]) / 100, is_cents=False)

        def share(part: int, whole: int) -> str:
            return "0" if not whole else "100" if part == whole else percent(pct(part, whole))

        dp.para(f"{self.year}年政府采购支出总额 {money(pr['total'])}万元，其中：政府采购货物支出 {money(pr['goods'])} 万元，"
                f"政府采购工程支出 {money(pr['works'])} 万元，政府采购服务支出 {money(pr['services'])} 万元。授予中小企业合同金额 "
                f"{money(pr['sme'])} 万元，占政府采购支出总额的 {percent(pct(pr['sme'], pr['total']))}%，其中：授予小微企业合同金额 "
                f"{money(pr['small_micro'])}万元，占中小企业采购支出总额的 {percent(pct(pr['small_micro'], pr['sme']))}%；"
                f"货物采购授予中小企业合同金额占货物支出金额的 {share(pr['sme_goods'], pr['goods'])}%；工程采购授予中小企业合同"
                f"金额占工程支出金额的 {share(pr['sme_works'], pr['works'])}%；服务采购授予中小企业合同金额占服务支出金额的 "
                f"{share(pr['sme_services'], pr['services'])}%。")
        dp.add("（三）国有资产占用情况。")
        total = sum(y.vehicles.values())
        self.fact("vehicles_total", total, is_cents=False)
        kinds = "，".join(f"{k} {v} 辆" for k, v in y.vehicles.items())
        dp.para(f"截至{self.year}年 12月 31日，共有车辆 {total}辆，其中：{kinds}；单价 100 万元（含）以上设备（不含车辆）0台（套）。")
        dp.add("（四）预算绩效情况。", "    1.绩效评价工作开展情况。")
        n = len(y.projects)
        funds = sum(pr.budget for pr in y.projects)
        self.fact("performance_projects_count", n, is_cents=False)
        self.fact("performance_project_funds", funds)
        dp.para(f"根据预算绩效管理要求，本部门组织对 {self.year}年度预算项目支出全面开展绩效自评，共涉及预算支出项目 {n} 个"
                f"（其中：一般公共预算项目 {n} 个，政府性基金预算项目 0 个，国有资本经营预算项目 0 个），涉及资金 {plain(funds)} 万元"
                f"（其中：一般公共预算资金 {plain(funds)}万元，政府性基金预算资金 0万元，国有资本经营预算资金 0万元），自评覆盖率"
                f"（开展绩效自评项目数/年度应开展绩效自评项目数*100%）达到 100%。", "    ")
        dp.add("    2.项目绩效自评结果。")
        dp.para(f"本部门在 {self.year}年度部门决算中反映{'、'.join(pr.name for pr in y.projects)}等 {n}个项目绩效自评结果。",
                "    ")
        for i, pr in enumerate(y.projects, 1):
            self.fact("project_score", pr.total, is_cents=False, qualifier=pr.name)
            self.fact("project_budget", pr.budget, qualifier=pr.name)
            self.fact("project_actual", pr.actual, qualifier=pr.name)
            self.fact("project_execution_rate_pct", pr.rate / 100, is_cents=False, qualifier=pr.name)
            dp.para(f"（{i}）“{pr.name}”项目自评综述：根据年初设定的绩效目标，项目自评得分 {num(pr.total)} 分。项目全年预算数为 "
                    f"{plain(pr.budget)} 万元，执行数为 {plain(pr.actual)} 万元，完成预算的 {percent(pr.rate)}%。项目绩效目标完成"
                    f"情况：已完成年度工作任务。", "    ")
        dp.add("    《预算项目（政策）绩效自评表》见附件。")

    def glossary(self) -> None:
        dp = self.dump
        dp.page()
        dp.add("第三部分 名词解释")
        terms = ("财政拨款收入：指单位从同级财政部门取得的财政预算资金。",
                 "基本支出：指保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。",
                 "项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。",
                 "机关运行经费：指为保障行政单位和参照公务员法管理的事业单位运行，使用财政拨款安排的基本支出中用于购买货物和服务的各项资金。")
        n = 0
        for n, term in enumerate(terms, 1):
            dp.para(f"{n}.{term}")
        for code in sorted(c for c in self.y.items if self.y.items[c].gb):
            n += 1
            cls, kuan, xiang = (catalog.function_name(c, self.year) for c in (code[:3], code[:5], code))
            dp.para(f"{n}.{cls}（类）{kuan}（款）{xiang}（项）：反映{xiang}方面的支出。")
