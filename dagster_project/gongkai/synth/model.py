"""The financial model of a synthetic department: one consistent set of accounts per year, in integer cents (分).

Every identity of DOMAIN.md holds by construction (row total = Σ columns, 类 = Σ 款 = Σ 项, 总表 lines = 支出表 类
totals, 人员经费 + 公用经费 = 基本支出, 三公 sums, carry-overs chained from year to year). Deliberate breaks (尾差)
are applied later, at rendering, and recorded in the truth. The accounts are built by :mod:`gongkai.synth.simulate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def pct(part: int, whole: int) -> int:
    """part / whole in hundredths of a percent, rounded half up (both in cents)."""
    if whole == 0:
        return 0
    sign = -1 if (part < 0) != (whole < 0) else 1
    part, whole = abs(part), abs(whole)
    return sign * ((part * 20000 + whole) // (2 * whole))


@dataclass
class Department:
    ident: str
    template: tuple
    names: dict[int, str]  # year → name as printed
    region: dict[str, str]
    level: str
    units: dict[int, list[str]]
    items: list[str]  # 项 codes of general-budget spending
    has_institution: bool
    fund: bool
    state_capital: bool
    rename_year: int | None = None
    style: dict = field(default_factory=dict)


@dataclass
class ItemYear:
    code: str
    gb_basic: int = 0
    gb_project: int = 0
    fund_basic: int = 0
    fund_project: int = 0
    sc_project: int = 0
    other_basic: int = 0
    other_project: int = 0
    business: int = 0
    initial_budget: int = 0  # general budget, for the narrative's 完成年初预算的 X%
    # income by source
    fiscal: int = 0
    superior: int = 0
    public_service: int = 0
    business_revenue: int = 0
    other_revenue: int = 0

    @property
    def gb(self) -> int:
        return self.gb_basic + self.gb_project

    @property
    def basic(self) -> int:
        return self.gb_basic + self.fund_basic + self.other_basic

    @property
    def project(self) -> int:
        return self.gb_project + self.fund_project + self.sc_project + self.other_project

    @property
    def expenditure(self) -> int:
        return self.basic + self.project + self.business

    @property
    def income(self) -> int:
        return self.fiscal + self.superior + self.public_service + self.business_revenue + self.other_revenue


@dataclass
class Project:
    name: str
    unit: str
    budget: int
    actual: int
    indicators: list[dict]
    execution_score: float
    deduction: float

    @property
    def rate(self) -> int:
        return pct(self.actual, self.budget)

    @property
    def subtotal(self) -> float:
        return round(sum(i["score"] for i in self.indicators), 2)

    @property
    def total(self) -> float:
        return round(self.subtotal + self.execution_score - self.deduction, 2)


@dataclass
class Year:
    year: int
    items: dict[str, ItemYear]
    gb_income: int
    fund_income: int
    sc_income: int
    carry_begin_gb: int
    carry_begin_fund: int
    carry_begin_sc: int
    carry_begin_other: int
    economic: dict[str, int]  # economic 款 code → cents (general-budget basic spending)
    three_public: dict[str, tuple[int, int]]  # item → (budget, actual)
    agency_cost: int
    procurement: dict[str, int]
    vehicles: dict[str, int]
    vehicles_operated: int
    projects: list[Project]
    outbound_groups: int = 0
    outbound_persons: int = 0
    reception_batches: int = 0
    reception_persons: int = 0

    # -- totals -------------------------------------------------------------------------------------------------
    def sum(self, attr: str) -> int:
        return sum(getattr(i, attr) for i in self.items.values())

    @property
    def gb_expenditure(self) -> int:
        return self.sum("gb")

    @property
    def fund_expenditure(self) -> int:
        return self.sum("fund_basic") + self.sum("fund_project")

    @property
    def sc_expenditure(self) -> int:
        return self.sum("sc_project")

    @property
    def appropriation_expenditure(self) -> int:
        return self.gb_expenditure + self.fund_expenditure + self.sc_expenditure

    @property
    def carry_end_gb(self) -> int:
        return self.carry_begin_gb + self.gb_income - self.gb_expenditure

    @property
    def carry_end_fund(self) -> int:
        return self.carry_begin_fund + self.fund_income - self.fund_expenditure

    @property
    def carry_end_sc(self) -> int:
        return self.carry_begin_sc + self.sc_income - self.sc_expenditure

    @property
    def other_income(self) -> int:
        return self.sum("superior") + self.sum("public_service") + self.sum("business_revenue") + self.sum("other_revenue")

    @property
    def other_expenditure(self) -> int:
        return self.sum("other_basic") + self.sum("other_project") + self.sum("business")

    @property
    def carry_end_other(self) -> int:
        return self.carry_begin_other + self.other_income - self.other_expenditure

    @property
    def income_total(self) -> int:  # 本年收入合计
        return self.sum("income")

    @property
    def expenditure_total(self) -> int:  # 本年支出合计
        return self.sum("expenditure")

    @property
    def carry_begin(self) -> int:
        return self.carry_begin_gb + self.carry_begin_fund + self.carry_begin_sc + self.carry_begin_other

    @property
    def carry_end(self) -> int:
        return self.carry_end_gb + self.carry_end_fund + self.carry_end_sc + self.carry_end_other

    @property
    def grand_total(self) -> int:
        return self.income_total + self.carry_begin

    @property
    def personnel(self) -> int:
        return sum(v for k, v in self.economic.items() if k[:3] in ("301", "303"))

    @property
    def public(self) -> int:
        return sum(v for k, v in self.economic.items() if k[:3] not in ("301", "303"))

    @property
    def gb_basic(self) -> int:
        return self.sum("gb_basic")

    @property
    def three_public_total(self) -> tuple[int, int]:
        parts = [self.three_public[k] for k in ("overseas_travel", "reception", "vehicle_purchase", "vehicle_operation")]
        return sum(p[0] for p in parts), sum(p[1] for p in parts)
