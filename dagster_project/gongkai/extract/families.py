"""The standard table families of a final-accounts report: how to recognise each by its title, and its columns.

Tables are identified by title, never by their label (公开01表 / 一、/ 表1) or position. Column keys are stable
English names; the Chinese header each stands for is in ``COLUMN_TERMS``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.extract.lazy_pattern import lazy_pattern
from gongkai.extract.pattern_cache import compiled
from gongkai.extract.row_items import item_patterns, ItemPatterns, SUMMARY_ITEMS, THREE_PUBLIC_ITEMS, THREE_PUBLIC_PARTS
from gongkai.extract.table_titles import title_candidates
from gongkai.extract.text import squeeze


@dataclass(frozen=True, slots=True)
class Family:
    key: str
    title: str  # the title as the Ministry of Finance prescribes it
    columns: tuple[str, ...]
    pattern: re.Pattern[str]
    coded: str | None = None  # 'function' | 'economic' | None
    layout: str | None = None  # 'summary' (收入 | 支出 sides) | 'three_public' (三公 items) | None
    extra: tuple[str, ...] = ()  # columns some variants print besides (the university set's 其中：教育收费)
    items: ItemPatterns | None = None  # the labelled rows of a supplementary table (机构运行经费, 车辆数 …)


def _p(expr: str) -> re.Pattern[str]:
    return lazy_pattern(expr)


# Order matters: more specific titles first (财政拨款收入支出决算总表 before 收入支出决算总表).
STANDARD_FAMILIES: tuple[Family, ...] = (
    Family(
        "appropriation_summary",
        "财政拨款收入支出决算总表",
        ("amount", "total", "general_budget", "government_fund", "state_capital"),
        _p(r"^财政拨款(?:收入支出|收支)决算总?表$"),
        layout="summary",
    ),
    Family("income_expenditure_summary", "收入支出决算总表", ("amount",), _p(r"^(部门)?(收入支出|收支)决算总?表$"),
           layout="summary"),
    Family(
        "income",
        "收入决算表",
        (
            "total",
            "fiscal_appropriation",
            "superior_subsidy",
            "public_service_revenue",
            "business_revenue",
            "affiliated_remittance",
            "other_revenue",
        ),
        _p(r"^(部门)?收入决算总?表$"),
        "function",
        extra=("tuition_revenue",),
    ),
    Family(
        "expenditure",
        "支出决算表",
        ("total", "basic", "project", "remittance_to_superior", "business", "subsidy_to_affiliates"),
        _p(r"^(部门)?支出决算总?表$"),
        "function",
    ),
    Family(
        "general_budget_basic_expenditure",
        "一般公共预算财政拨款基本支出决算表",
        ("amount",),
        _p(r"^一般公共预算(财政拨款)?基本支出决算(明细)?表$"),
        "economic",
    ),
    Family(
        "general_budget_expenditure",
        "一般公共预算财政拨款支出决算表",
        ("total", "basic", "project"),
        _p(r"^一般公共预算(财政拨款)?(收入)?支出决算表$"),  # …支出决算明细表 (四川) is by economic class: another table
        "function",
    ),
    Family(  # the university set's 高等学校财政拨款支出决算表: all appropriation (general budget and funds) by function
        "appropriation_expenditure",
        "财政拨款支出决算表",
        ("total", "basic", "project"),
        _p(r"^财政拨款支出决算表$"),
        "function",
        extra=("capital_construction",),
    ),
    Family(
        "government_fund",
        "政府性基金预算财政拨款收入支出决算表",
        ("carryover_begin", "income", "total", "basic", "project", "carryover_end"),
        _p(r"^政府性基金预算(财政拨款)?(收入)?支出决算表$"),
        "function",
    ),
    Family(
        "state_capital",
        "国有资本经营预算财政拨款收入支出决算表",
        ("carryover_begin", "income", "total", "basic", "project", "carryover_end"),
        _p(r"^国有资本经营预算(财政拨款)?(收入)?支出决算表$"),
        "function",
    ),
    Family(
        "three_public",
        '财政拨款"三公"经费支出决算表',
        ("budget", "actual"),
        _p(r"^(一般公共预算)?(财政拨款)?[\"'“”‘’〝〞（(]?三公[\"'“”‘’〝〞）)]?经费([及和、]会议费[、和及]?培训费)?(支出)?(决算|情况|决算情况)表$"),
        layout="three_public",
    ),
)


COLUMN_TERMS: dict[str, str] = {
    "amount": "金额/决算数",
    "total": "合计/本年支出合计/本年收入合计/小计",
    "basic": "基本支出",
    "project": "项目支出",
    "remittance_to_superior": "上缴上级支出",
    "business": "经营支出",
    "subsidy_to_affiliates": "对附属单位补助支出",
    "fiscal_appropriation": "财政拨款收入",
    "superior_subsidy": "上级补助收入",
    "public_service_revenue": "事业收入",
    "tuition_revenue": "其中：教育收费 (part of 事业收入)",
    "capital_construction": "其中：基本建设资金支出 (part of 项目支出)",
    "business_revenue": "经营收入",
    "affiliated_remittance": "附属单位上缴收入",
    "other_revenue": "其他收入",
    "general_budget": "一般公共预算财政拨款",
    "government_fund": "政府性基金预算财政拨款",
    "state_capital": "国有资本经营预算财政拨款",
    "carryover_begin": "年初结转和结余",
    "income": "本年收入",
    "carryover_end": "年末结转和结余",
    "budget": "预算数",
    "actual": "决算数",
}

_OTHER_TITLE = lazy_pattern(r"^[^，。；;：:\s]{2,36}(?:决算|预算|情况|信息|明细)表$")


def is_other_title(text: str, family_set: FamilySet | None = None) -> bool:
    """A table title of none of the families: 一般公共预算财政拨款项目支出决算表, 项目收入支出决算表, 机构运行经费支出、
    国有资产占用情况及政府采购支出信息表 … — a table of its own, so the table before it ends there."""
    compact = squeeze(text)
    if len(compact) > 48 or not compact.endswith("表") or compact.startswith(("注", "附")):
        return False
    if (family_set or FINAL_TABLES).match(text) is not None:
        return False
    unlabelled = title_candidates(text)[1]  # 十二、机构运行经费支出、国有资产…: the label off, the 、 inside kept out
    return _OTHER_TITLE.match(unlabelled.replace("、", "")) is not None


def match_family(text: str) -> Family | None:
    """The final-accounts family whose title this line is, or None. Accepts 公开01表 / 表5 / 表一 / 一、 labels and
    spaced text."""
    return FINAL_TABLES.match(text)


# --- tables some sets print beyond the standard nine -----------------------------------------------------------------

SUPPLEMENTARY_ITEMS: ItemPatterns = item_patterns(  # counts (车辆数, 设备台套) are kept as printed, not 万元
    ("agency_operating_cost", r"机[构关]运行经费"),
    ("vehicles", r"车辆"),
    ("equipment_over_1m", r"(?:100|一百)万元[（(]?含?[)）]?以上"),
    *THREE_PUBLIC_PARTS,
    ("three_public", r"三公"),
    ("procurement_sme", r"中小企业"),
    ("procurement_goods", r"货物"),
    ("procurement_works", r"工程"),
    ("procurement_services", r"服务"),
    ("procurement_total", r"政府采购"),
    ("state_assets", r"国有资产"),
    ("total", r"^合计|^总计"),
)

_PROJECT_COLUMNS = ("total", "basic", "project", "general_budget", "government_fund", "state_capital",
                    "fiscal_appropriation", "other_revenue", "carryover_begin", "income", "carryover_end")

# Recognised by title like the standard nine, read by their headers' terms (a table of these keys prints some of the
# columns, in its own order). Their amounts reach raw.table_cells like every table's.
SUPPLEMENTARY_FAMILIES: tuple[Family, ...] = (
    Family("project_income_expenditure", "项目收入支出决算表", _PROJECT_COLUMNS,  # 内蒙古 5th
           _p(r"^(?:财政拨款)?项目收入支出决算表$"), "function"),
    Family("project_expenditure", "一般公共预算财政拨款项目支出决算表", _PROJECT_COLUMNS,  # 云南 7th, 内蒙古 明细 8th
           _p(r"^(?:一般公共预算)?(?:财政拨款)?项目支出决算(?:明细)?表$"), "function"),
    Family("appropriation_economic_detail", "财政拨款支出决算明细表", ("total", "basic", "project"),  # 四川
           _p(r"^财政拨款支出决算明细表$"), "economic"),
    Family("general_budget_economic_detail", "一般公共预算财政拨款支出决算明细表", ("total", "basic", "project"),
           _p(r"^一般公共预算财政拨款支出决算明细表$"), "economic"),
    Family("agency_operating_cost", "机关运行经费支出决算表", ("amount",),
           _p(r"^(?:一般公共预算财政拨款)?(?:行政参公单位)?机关运行经费(?:支出)?(?:决算|情况)表$"), "economic"),
    Family("three_public_operating", '"三公"经费、行政参公单位机关运行经费情况表', ("budget", "actual"),  # 云南 10th
           _p(r"^(?:财政拨款)?[\"“”（(]?三公[\"“”）)]?经费[、和及与]?.{0,8}机关运行经费(?:支出)?(?:决算|情况)表$"),
           items=SUPPLEMENTARY_ITEMS),
    Family("operations_assets_procurement", "机构运行经费支出、国有资产占用情况及政府采购支出信息表", ("amount",),
           _p(r"^.{0,10}(?:机[构关]运行经费|国有资产|政府采购).{0,30}(?:信息|情况|决算)表$"),  # 内蒙古 12th, 云南 11th
           items=SUPPLEMENTARY_ITEMS),
)
SUPPLEMENTARY_KEYS = frozenset(f.key for f in SUPPLEMENTARY_FAMILIES)
COUNT_ITEMS = frozenset({"vehicles", "equipment_over_1m"})  # numbers of things (辆, 台/套), never converted from 元
COUNT_COLUMNS = frozenset({"quantity"})  # 数量 (政府采购预算表): a number of things, never converted from 元
# the classification a summary's expenditure panel lists its lines by, from the panel's heading (西安 表1: 支出功能分类科目
# | 部门预算支出经济分类科目 | 政府预算支出经济分类科目, side by side): a row's category where one side prints several panels
SUMMARY_PANEL_CLASSIFICATIONS = (
    ("function", lazy_pattern(r"功能分类")),
    ("department_economic", lazy_pattern(r"部门.*经济分类")),
    ("government_economic", lazy_pattern(r"政府.*经济分类")),
)
FAMILIES = STANDARD_FAMILIES + SUPPLEMENTARY_FAMILIES
FAMILY_BY_KEY = {f.key: f for f in FAMILIES}


# --- the table sets of a kind of report ------------------------------------------------------------------------------

# Header terms → column keys, most specific first. Matched on the header text a column owns (not group headers).
FINAL_COLUMN_TERMS: tuple[tuple[str, str], ...] = (
    ("carryover_begin", r"年初.*结转|年初.*结余"),
    ("carryover_end", r"年末.*结转|年末.*结余"),
    ("subsidy_to_affiliates", r"对附属单位补助"),
    ("affiliated_remittance", r"附属单位上缴"),
    ("remittance_to_superior", r"上缴上级"),
    ("superior_subsidy", r"上级补助"),
    ("general_budget", r"一般公共预算"),
    ("government_fund", r"政府性基金"),
    ("state_capital", r"国有资本经营"),
    ("fiscal_appropriation", r"财政拨款"),
    ("tuition_revenue", r"教育收费"),
    ("public_service_revenue", r"事业收入"),
    ("business_revenue", r"经营收入"),
    ("other_revenue", r"其他收入"),
    ("business", r"经营支出"),
    ("capital_construction", r"基本建设"),
    ("basic", r"基本支出"),
    ("project", r"项目支出"),
    ("income", r"本年收入$|^收入$"),
    ("total", r"合计|小计|^总计"),
    ("budget", r"预算数|预算$"),
    ("actual", r"决算数|执行数|实际"),
    ("amount", r"决算数|金额"),
)


@dataclass(frozen=True, slots=True)
class FamilySet:
    """The tables one kind of report prints (决算 or 预算): their families, the header terms of their columns and the
    labelled items of their summary and 三公 tables. ``title_prefix`` is what may precede a title and is no part of
    it (a budget's '2025年预算单位')."""

    families: tuple[Family, ...]
    column_terms: tuple[tuple[str, str], ...]
    summary_items: ItemPatterns
    three_public_items: ItemPatterns
    title_prefix: re.Pattern[str] | None = None

    @property
    def by_key(self) -> dict[str, Family]:
        return {f.key: f for f in self.families}

    def match(self, text: str) -> Family | None:
        """The family whose title this line is, or None. Every family's title pattern requires a 表
        (tests/test_table_titles.py holds each to it): a line without one, most lines, is no title."""
        if TITLE_WORD not in text:
            return None
        any_title = _any_title(self.families)
        for candidate in self._candidates(text):
            if not any_title.match(candidate):
                continue
            for family in self.families:
                if family.pattern.match(candidate):
                    return family
        return None

    def _candidates(self, text: str) -> list[str]:
        candidates = title_candidates(text)
        if self.title_prefix is None:
            return candidates
        stripped = [self.title_prefix.sub("", c, count=1) for c in candidates]
        # a department name before the title ('西南大学收支预算总表'): the title is a suffix, the longest first
        suffixes = [c[n:] for c in stripped[:1] for n in range(1, min(_NAME_BEFORE_TITLE, len(c) - 4))
                    if c.endswith(_NAME_ENDS, 0, n)]
        return candidates + stripped + suffixes


TITLE_WORD = "表"  # what every table title names
_NAME_BEFORE_TITLE = 24  # characters of a department name a budget may print before a table's title
_NAME_ENDS = ("局", "院", "厅", "委", "办", "处", "会", "中心", "大学", "学校", "室", "所", "站", "馆", "队", "部", "署", "社",
              "街道", "政府", "单位", ")")  # how a department's name ends (…局(本级), …委员会(汇总))

_ANY_TITLES: dict[int, tuple[tuple[Family, ...], re.Pattern[str]]] = {}


def _any_title(families: tuple[Family, ...]) -> re.Pattern[str]:
    """One pattern matching where any family's title pattern does: one test rules out a text that is no title.
    Kept by the tuple's identity (the cache holds the tuple, so its id is not reused): hashing the families hashes
    every pattern of every family, on every line."""
    found = _ANY_TITLES.get(id(families))
    if found is None or found[0] is not families:
        found = _ANY_TITLES[id(families)] = (
            families, compiled("|".join(f"(?:{family.pattern.pattern})" for family in families)))
    return found[1]


# the year, or the department and the year, printed before a title (2024年度收入支出决算总表, 某局2024年…; a typo's
# '202 年度' too), and 部门 / 单位: no part of the title
_FINAL_TITLE_PREFIX = _p(r"^[:：.．、]?(?:.{0,24}?(?:19|20)\d{1,2}年度?)?(?:本?部门|本?单位)?(?:决算)?")

FINAL_TABLES = FamilySet(FAMILIES, FINAL_COLUMN_TERMS, SUMMARY_ITEMS, THREE_PUBLIC_ITEMS, _FINAL_TITLE_PREFIX)
