"""The tables of a budget (部门预算): how to recognise each by its title, and its columns.

Budgets print the national budget set under many titles — 收支预算总表 / 财务收支预算总表 / 收支总体情况表 / 收支总表 —
with the year and '部门' / '预算单位' before them. Family keys start with ``budget_`` so that a budget's tables are
never read as a final's. Column keys are those of the finals where the meaning is the same (total, basic, project …).
"""

from __future__ import annotations

import re

from gongkai.extract.families import Family, FamilySet
from gongkai.extract.lazy_pattern import lazy_pattern
from gongkai.extract.row_items import item_patterns

_BUDGET = r"(?:预算|情况)?"
_BY_FUNCTION = r"(?:\((?:按?(?:支出)?功能分类(?:科目)?|功能科目)\))?"  # 一般公共预算支出表（按功能分类）: brackets are ASCII once matched
_BY_ECONOMIC = r"(?:\((?:按?(?:支出)?经济分类(?:科目)?|经济科目)\))?"  # 财政拨款基本支出预算表（经济科目）


def _p(expr: str) -> re.Pattern[str]:
    return lazy_pattern(expr)


INCOME_COLUMNS = ("total", "fiscal_appropriation", "general_budget", "government_fund", "state_capital",
                  "fiscal_special_account", "public_service_revenue", "business_revenue", "superior_subsidy",
                  "affiliated_remittance", "other_revenue", "carryover_begin", "non_appropriation_surplus_used",
                  "tuition_revenue", "funding_appropriation", "unit_funds")
SOURCE_COLUMNS = INCOME_COLUMNS[1:]  # sources of funds (资金来源): a 收入总表's columns, printed by some 支出总表 too
EXPENDITURE_COLUMNS = ("total", "basic", "personnel", "public", "project", "reserve", "business",
                       "remittance_to_superior", "subsidy_to_affiliates", "carryover_end") + SOURCE_COLUMNS
SPLIT_COLUMNS = ("total", "basic", "personnel", "public", "project")  # 人员经费 / 公用经费: parts of 基本支出
ECONOMIC_COLUMNS = ("amount", "personnel", "public")
PROCUREMENT_COLUMNS = ("total", "quantity") + SOURCE_COLUMNS

# Order matters: more specific titles first (三公 titles can name 机关运行经费; 财政拨款收支总表 before 收支总表).
BUDGET_FAMILIES: tuple[Family, ...] = (
    Family("budget_three_public", '"三公"经费预算表', ("budget", "prior_year_budget"),
           _p(r"^.{0,24}三公.{0,30}表$"), layout="three_public"),
    Family("budget_appropriation_summary", "财政拨款收支预算总表",
           ("amount", "total", "general_budget", "government_fund", "state_capital"),
           _p(rf"^财政拨款收支{_BUDGET}总(?:体情况)?表$|^财政拨款收支预算表$"), layout="summary"),
    Family("budget_summary", "收支预算总表", ("amount", "basic", "personnel", "public", "project"),
           _p(rf"^(?:财务)?收支{_BUDGET}总(?:体情况)?表$|^收支预算表$"), layout="summary"),
    Family("budget_income", "收入预算总表", ("amount",) + INCOME_COLUMNS,
           _p(rf"^收入{_BUDGET}总(?:体情况)?表$|^收入预算表$"), "function"),
    Family("budget_expenditure", "支出预算总表", EXPENDITURE_COLUMNS,
           _p(rf"^(?:本年)?支出{_BUDGET}总(?:体情况)?表$|^支出预算表$"), "function"),
    Family("budget_general_basic_function", "一般公共预算基本支出功能分类表", SPLIT_COLUMNS,
           _p(r"^一般公共预算(?:财政)?(?:拨款)?基本支出(?:明细)?表\(按?(?:支出)?功能分类(?:科目)?\)$"), "function"),
    Family("budget_general_basic", "一般公共预算基本支出预算表", ECONOMIC_COLUMNS,
           _p(rf"^一般公共预算(?:财政)?(?:拨款)?基本支出.{{0,16}}表{_BY_ECONOMIC}$"), "economic"),
    Family("budget_general_economic", "一般公共预算支出经济分类预算表", ECONOMIC_COLUMNS + ("basic", "project"),
           _p(rf"^一般公共预算(?:财政)?(?:拨款)?支出(?:经济分类.{{0,8}}表|(?:预算|情况|明细)?表\(按?(?:支出)?经济分类(?:科目)?\))$"), "economic"),
    Family("budget_general_expenditure", "一般公共预算支出预算表", SPLIT_COLUMNS,
           _p(rf"^一般公共预算(?:财政)?(?:拨款)?支出(?:功能分类)?(?:预算|情况|明细)?表{_BY_FUNCTION}$"), "function"),
    Family("budget_government_fund", "政府性基金预算支出预算表", SPLIT_COLUMNS,
           _p(rf"^(?:财政拨款)?政府性基金(?:预算)?(?:财政)?(?:拨款)?收?支出?.{{0,10}}表{_BY_FUNCTION}$"), "function"),
    Family("budget_state_capital", "国有资本经营预算支出预算表", SPLIT_COLUMNS,
           _p(rf"^国有资本经营(?:预算)?(?:财政)?(?:拨款)?支出.{{0,10}}表{_BY_FUNCTION}$"), "function"),
    Family("budget_agency_operating", "机关运行经费支出预算表", ("amount",),
           _p(r"^(?:一般公共预算)?机关运行经费(?:支出)?(?:预算)?表$"), "economic"),
    Family("budget_appropriation_basic", "财政拨款基本支出预算表", ECONOMIC_COLUMNS,
           _p(rf"^财政拨款基本支出(?:预算)?表{_BY_ECONOMIC}$"), "economic"),
    Family("budget_appropriation_expenditure", "财政拨款支出预算表", SPLIT_COLUMNS,
           _p(rf"^财政拨款支出(?:预算)?表{_BY_FUNCTION}$"), "function"),
    Family("budget_general_project", "一般公共预算项目支出经济分类表", ECONOMIC_COLUMNS,
           _p(rf"^一般公共预算(?:财政)?(?:拨款)?项目支出(?:预算)?(?:情况)?表\(按?经济分类(?:科目)?\)$"), "economic"),
    Family("budget_project_expenditure", "项目支出预算表", INCOME_COLUMNS,
           _p(r"^(?:部门预算)?(?:一般公共预算)?(?:财政拨款)?(?:项目|专项业务经费)支出(?:及其他支出)?(?:预算)?(?:情况)?(?:明细)?总?表$")),
    Family("budget_procurement", "政府采购支出预算表", PROCUREMENT_COLUMNS,
           _p(r"^(?:部门综合预算)?政府采购(?:\([^)]{0,16}\))?(?:支出)?(?:预算)?(?:明细)?表$")),
    Family("budget_basic", "基本支出预算表", ECONOMIC_COLUMNS + INCOME_COLUMNS[1:],
           _p(rf"^(?:预算)?基本支出(?:预算)?总?表{_BY_ECONOMIC}$"), "economic"),
)

BUDGET_FAMILY_BY_KEY = {f.key: f for f in BUDGET_FAMILIES}

# Header terms → column keys, most specific first (a family's own columns limit the choice).
BUDGET_COLUMN_TERMS: tuple[tuple[str, str], ...] = (
    ("non_appropriation_surplus_used", r"非财政拨款结余"),
    ("carryover_begin", r"上年结[转余]|年初.*结转|年初.*结余"),
    ("carryover_end", r"结转(?:结余)?下年|年[末终].*结转|年[末终].*结余"),
    ("subsidy_to_affiliates", r"对附属单位补助"),
    ("affiliated_remittance", r"附属单位上缴"),
    ("remittance_to_superior", r"上缴上级"),
    ("superior_subsidy", r"上级补助"),
    ("reserve", r"预留机动"),
    ("fiscal_special_account", r"财政专户"),
    ("general_budget", r"一般公共预算"),
    ("government_fund", r"政府性基金"),
    ("state_capital", r"国有资本经营"),
    ("funding_appropriation", r"经费拨款"),
    ("fiscal_appropriation", r"财政拨款"),
    ("tuition_revenue", r"教育收费"),
    ("public_service_revenue", r"事业收入"),
    ("business_revenue", r"经营(?:服务)?收入"),
    ("other_revenue", r"其[他它](?:收入|资金)"),
    ("unit_funds", r"单位资金"),
    ("business", r"经营支出"),
    ("personnel", r"人员经费|人员支出|^人员类$"),
    ("public", r"公用经费|公用支出"),
    ("basic", r"基本支出"),
    ("project", r"项目支出|专项业务经费"),
    ("quantity", r"^数量$"),
    ("total", r"合计|小计|总计|金额$|预算数$|^(?:本年)?预算$"),  # '单位：万元' can share the 金额 cell's header band
    ("amount", r"合计|总计|金额|预算数|^(?:本年)?预算$|机关运行经费"),
)

BUDGET_SUMMARY_ITEMS = item_patterns(
    ("general_budget_appropriation", r"一般公共预算(?:资金|拨款)?(?:收入)?$"),
    ("government_fund_appropriation", r"政府性基金(?:预算)?(?:资金|拨款)?(?:收入)?$"),
    ("state_capital_appropriation", r"国有资本经营(?:预算)?(?:资金|拨款)?(?:收入)?$"),
    ("fiscal_appropriation", r"^(?:本级)?财政拨款(?:收入|资金)?$|财政拨款[（(]补助[)）]|^预算拨款(?:收入)?$"),
    ("fiscal_special_account", r"财政专户管理(?:资金|事业)?(?:收入)?$|^财政专户拨款(?:收入)?$"),
    ("superior_subsidy", r"上级补助收入(?:资金)?$"),
    ("public_service_revenue", r"事业收入(?:资金)?(?:[（(]不含[^）)]*[)）])?$"),
    ("business_revenue", r"经营(?:服务)?收入(?:资金)?$"),
    ("affiliated_remittance", r"附属单位上缴收入(?:资金)?$"),
    ("other_revenue", r"^其[他它](?:收入|资金|收入资金)$"),
    ("income_total", r"本年收入(?:合计|小计)?$|当年收入小计$"),
    ("expenditure_total", r"本年支出(?:合计|小计)?$|当年支出小计$"),
    ("non_appropriation_surplus_used", r"使用非财政拨款结余"),
    ("carryover_begin", r"上年结[转余]|年初结转"),
    ("carryover_end", r"结转(?:结余)?下年|年[末终]结转"),
    ("business_expenditure", r"经营支出$"),
    ("subsidy_to_affiliates", r"对附属单位的?补助支出$"),
    ("remittance_to_superior", r"上缴上级支出$"),
    ("surplus_distribution", r"结余分配$"),
    ("basic", r"^基本支出$"),
    ("project", r"^项目支出$"),
    ("reserve", r"预留机动经费$"),
    ("grand_total", r"总计$|^收入合计$|^支出合计$|^合计$"),
)

BUDGET_THREE_PUBLIC_ITEMS = item_patterns(
    ("vehicle_total", r"购置及运行"),
    ("vehicle_operation", r"运行(?:维护)?费"),
    ("vehicle_purchase", r"购置经?费|公务用车购置$"),
    ("vehicle_total", r"公务用车"),
    ("overseas_travel", r"出国"),
    ("reception", r"接待"),
    ("meeting", r"会议费"),
    ("training", r"培训费"),
    ("agency_operating_cost", r"机关运行经费"),
    ("administrative_cost", r"^行政经费"),
    ("total", r"^合计|^总计|三公.*经费|^小计"),
)

_TITLE_PREFIX = lazy_pattern(r"^[:：.．、]?(?:.{0,24}?(?:19|20)\d{2}年度?)?(?:市级|本级)?(?:部门|预算单位|单位)?(?:综合预算)?")

BUDGET_TABLES = FamilySet(BUDGET_FAMILIES, BUDGET_COLUMN_TERMS, BUDGET_SUMMARY_ITEMS, BUDGET_THREE_PUBLIC_ITEMS,
                          _TITLE_PREFIX)
