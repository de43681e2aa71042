"""A budget's narrative (预算情况说明): 机关运行经费, 政府采购, 绩效目标 and 国有资产占用 as the pages print them.

Goldens read from page images: 深圳市财政局 2026 p.9 (政府采购项目共有 3,790.75 万元: 货物 242.80, 工程 0.00, 服务
3,547.95), p.10–11 (8 个项目绩效目标 across the page break, 26,361.57 万元, 所有项目), p.12 (机关运行经费 2,719.55, 较
2025 年年初预算减少 956.74; 共有车辆 3 辆, as p.10 says first); 重庆市气象局 2026 p.2–3 (一般公共预算财政拨款运行经费 137.15, 比 2025 年增加
4.43; 政府采购 947 printed with spaced digits '9 4 7'; 项目支出均实行了绩效目标管理 7,227.34; 车辆 5, 购置 0);
上海市普陀区万里街道 2024 p.32 (机关运行经费 443.18; 政府采购 1662.44 = 93.98 + 815.87 + 752.59; 中小企业预留 664.98,
小微 465.49; 项目 50 个 5634.81; 车辆 7, 购置 1; 100 万元以上设备 0).
"""

from __future__ import annotations

import pytest

from tests.conftest import SHARED_CORPUS

BUDGETS = SHARED_CORPUS / "budget"

pytestmark = pytest.mark.skipif(not BUDGETS.is_dir(), reason="the real budgets (../shared/corpus/budget) are absent")


@pytest.fixture(scope="module")
def shenzhen(parse_budget):
    return parse_budget("2026_sz-czj_budget")


@pytest.fixture(scope="module")
def chongqing(parse_budget):
    return parse_budget("2026_cq-qxj_budget")


@pytest.fixture(scope="module")
def wanli(parse_budget):
    return parse_budget("2024_shpt-wanlijd_budget")


def _facts(report) -> dict[tuple[str, str, str | None], tuple[float, int | None, int]]:
    return {(f.key, f.basis, f.qualifier): (f.value, f.fiscal_year, f.source.page) for f in report.narrative}


def test_agency_operating_cost_and_its_change(shenzhen, chongqing):
    facts = _facts(shenzhen)
    assert facts[("agency_operating_cost_budget", "reported", None)] == (2719.55, 2026, 12)
    assert facts[("agency_operating_cost_budget_change_amount", "reported", None)][0] == -956.74
    assert facts[("agency_operating_cost_budget", "derived", None)][:2] == (3676.29, 2025)
    facts = _facts(chongqing)  # 一般公共预算财政拨款运行经费 (no 机关)
    assert facts[("agency_operating_cost_budget", "reported", None)] == (137.15, 2026, 2)
    assert facts[("agency_operating_cost_budget", "derived", None)][:2] == (132.72, 2025)


def test_procurement_budget_and_its_kinds(shenzhen, chongqing, wanli):
    def procurement(report):
        facts = _facts(report)
        return tuple(facts.get((f"procurement{k}_budget", "reported", None), (None,))[0]
                     for k in ("", "_goods", "_works", "_services"))

    assert procurement(shenzhen) == (3790.75, 242.80, 0.0, 3547.95)
    assert procurement(chongqing) == (947.0, 47.0, 0.0, 900.0)  # not the 一般公共预算拨款政府采购 0 that follows
    assert procurement(wanli) == (1662.44, 93.98, 815.87, 752.59)
    facts = _facts(wanli)
    assert facts[("procurement_sme_reserved_budget", "reported", None)][0] == 664.98
    assert facts[("procurement_small_micro_reserved_budget", "reported", None)][0] == 465.49


def test_performance_targets(shenzhen, chongqing, wanli):
    facts = _facts(shenzhen)  # '设置并编报 8' at the foot of p.10, '个项目绩效目标' on p.11
    assert facts[("performance_target_projects_count", "reported", None)][0] == 8
    assert facts[("performance_target_funds", "reported", None)][0] == 26361.57
    assert facts[("performance_target_coverage_pct", "reported", None)][0] == 100
    facts = _facts(chongqing)
    assert ("performance_target_projects_count", "reported", None) not in facts
    assert facts[("performance_target_funds", "reported", None)][0] == 7227.34
    assert facts[("performance_target_coverage_pct", "reported", None)][0] == 100
    facts = _facts(wanli)  # 2 个预算单位 is not a project count; no word of full coverage
    assert facts[("performance_target_projects_count", "reported", None)][0] == 50
    assert facts[("performance_target_funds", "reported", None)][0] == 5634.81
    assert ("performance_target_coverage_pct", "reported", None) not in facts


def test_vehicles_and_equipment(shenzhen, chongqing, wanli):
    facts = _facts(shenzhen)
    assert facts[("vehicles_total", "reported", None)] == (3, 2026, 10)  # p.10, again on p.12
    facts = _facts(chongqing)
    assert (facts[("vehicles_total", "reported", None)][0], facts[("vehicles_budgeted_purchase", "reported", None)][0]) \
        == (5, 0)
    facts = _facts(wanli)
    assert (facts[("vehicles_total", "reported", None)][0], facts[("vehicles_budgeted_purchase", "reported", None)][0]) \
        == (7, 1)
    assert facts[("equipment_count", "reported", "100万元以上")][0] == 0  # held; the budget buys none either


def test_narrative_checked_against_tables(wanli):
    """万里街道 p.31 prints 机关运行经费预算 443.18 in the 三公 table, as the narrative p.32 states."""
    checks = {c.name: c for c in wanli.checks}
    agency = checks["narrative.agency_operating_cost_budget"]
    assert (agency.status, agency.expected, agency.actual) == ("pass", 443.18, 443.18)


def test_income_by_source_from_the_narrative(parse_budget):
    """北京市审计局 2026 p.6 (its tables are a file of their own): '2026 年度收入预算 32852.05 万元' and its ten numbered
    lines, 1.一般公共预算拨款收入 32365.09 … 9.其他收入 15, 10.上年结转结余 471.96 — the sources named as the marts name
    them; the 支出预算 after them is not read as income."""
    facts = _facts(parse_budget("2026_bj-sjj_budget"))
    assert facts[("income_budget", "reported", None)] == (32852.05, 2026, 6)
    sources = {q: v for (key, _, q), (v, _, _) in facts.items() if key == "income_source_budget"}
    assert sources == {"general_budget": 32365.09, "government_fund": 0, "state_capital": 0,
                       "fiscal_special_account": 0, "public_service_revenue": 0, "superior_subsidy": 0,
                       "affiliated_remittance": 0, "business_revenue": 0, "other_revenue": 15, "carryover_begin": 471.96}
    assert round(sum(sources.values()), 2) == 32852.05
