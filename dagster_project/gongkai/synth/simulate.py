"""Simulating a synthetic department's accounts year by year (:mod:`gongkai.synth.model`): items split into 基本 and
项目 spending over their funds, income sources, 三公, carry-overs chained from one year to the next, projects with
their performance indicators. Every identity holds by construction."""

from __future__ import annotations

import random

from gongkai.synth import catalog
from gongkai.synth.model import Department, ItemYear, Project, Year, pct


def _cents(rng: random.Random, low: float, high: float) -> int:
    return int(rng.uniform(low, high) * 100)


def _split(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """Split ``total`` cents into parts proportional to ``weights`` (exact sum)."""
    s = sum(weights)
    parts = [int(total * w / s) for w in weights]
    parts[rng.randrange(len(parts))] += total - sum(parts)
    return parts


def simulate(dept: Department, years: list[int], rng: random.Random, business: bool = False,
             one_sided_carryover: bool = False) -> dict[int, Year]:
    """The department's accounts for each year of ``years`` (consecutive), plus the year before the first one
    (unpublished; it gives the first report's comparatives)."""
    scale = rng.choice((300, 800, 2000, 6000, 15000))  # 万元 of yearly spending
    carry = {"gb": _cents(rng, 0, scale * 0.05), "fund": 0, "sc": 0, "other": 0}
    if dept.has_institution:
        carry["other"] = _cents(rng, 0, scale * 0.03)
    out: dict[int, Year] = {}
    prev: Year | None = None
    for year in [years[0] - 1] + years:
        level = scale * (1 + rng.uniform(-0.25, 0.3))
        y = _year(dept, year, rng, level, carry, prev, business)
        if not one_sided_carryover:
            _keep_carryovers(y, rng)
        out[year] = y
        carry = {"gb": y.carry_end_gb, "fund": y.carry_end_fund, "sc": y.carry_end_sc, "other": y.carry_end_other}
        prev = y
    return out


def _year(dept: Department, year: int, rng: random.Random, level: float, carry: dict, prev: Year | None,
          business: bool) -> Year:
    items: dict[str, ItemYear] = {}
    total = int(level * 100)
    basic_total = int(total * rng.uniform(0.45, 0.75))
    project_total = total - basic_total
    codes = list(dept.items)
    basic_codes = [c for c in codes if c[-2:] in catalog.BASIC_ONLY or c[:3] in ("208", "210", "221")]
    project_codes = [c for c in codes if c not in basic_codes]
    if not project_codes:
        project_codes = [codes[0]]
    basic_weights = [6.0 if c[-2:] == "01" else 2.0 if c[-2:] == "50" else rng.uniform(0.2, 1.2) for c in basic_codes]
    for code, part in zip(basic_codes, _split(rng, basic_total, basic_weights)):
        items.setdefault(code, ItemYear(code)).gb_basic = part
    for code, part in zip(project_codes, _split(rng, project_total, [rng.uniform(0.3, 3) for _ in project_codes])):
        items.setdefault(code, ItemYear(code)).gb_project = part
    # a little project money on a basic item now and then (seed: 2101101 行政单位医疗 7.58 项目支出)
    if rng.random() < 0.3:
        code = rng.choice(basic_codes)
        items[code].gb_project += _cents(rng, 1, 20)
    # a zero row (a code kept in the tables with nothing spent)
    if rng.random() < 0.15:
        code = rng.choice([c for c in codes if c[:3] == "208"] or codes)
        item = items.setdefault(code, ItemYear(code))
        item.gb_basic = item.gb_project = 0
    _separate(items, rng)
    for item in items.values():
        if item.gb:
            item.initial_budget = max(1, int(item.gb * rng.uniform(0.8, 1.2)))
    if dept.fund:
        for code in catalog.FUND_ITEMS[: rng.choice((1, 2))]:
            items.setdefault(code, ItemYear(code)).fund_project = _cents(rng, level * 0.05, level * 0.3)
    if dept.state_capital:
        items.setdefault(catalog.STATE_CAPITAL_ITEMS[0], ItemYear(catalog.STATE_CAPITAL_ITEMS[0])).sc_project = \
            _cents(rng, level * 0.02, level * 0.1)
    institution_codes = [c for c in codes if c[-2:] == "50"]
    if dept.has_institution and institution_codes:
        code = institution_codes[0]
        items[code].other_basic = _cents(rng, level * 0.01, level * 0.06)
        if rng.random() < 0.5:
            items[code].other_project = _cents(rng, level * 0.005, level * 0.03)
        if rng.random() < 0.2 and business:
            items[code].business = _cents(rng, level * 0.005, level * 0.02)
    # -- income by source, with changes in carry-over --------------------------------------------------------------
    for item in items.values():
        item.fiscal = item.gb + item.fund_basic + item.fund_project + item.sc_project
    gb_delta = int(rng.uniform(-0.8, 1.0) * max(carry["gb"], total * 0.02))
    gb_delta = max(gb_delta, -carry["gb"])
    target = max((i for i in items.values() if i.gb_project), key=lambda i: i.gb_project, default=None) \
        or max(items.values(), key=lambda i: i.gb)
    gb_delta = max(gb_delta, -target.gb)
    target.fiscal += gb_delta
    gb_income = sum(i.gb for i in items.values()) + gb_delta
    fund_income = sum(i.fund_basic + i.fund_project for i in items.values())
    if dept.fund:
        fund_delta = max(-carry["fund"], int(rng.uniform(-0.5, 0.5) * fund_income * 0.3))
        fund_item = items[catalog.FUND_ITEMS[0]]
        fund_delta = max(fund_delta, -fund_item.fund_project)
        fund_item.fiscal += fund_delta
        fund_income += fund_delta
    sc_income = sum(i.sc_project for i in items.values())
    for item in items.values():
        other = item.other_basic + item.other_project
        if other or item.business:
            delta = max(-carry["other"], int(other * rng.uniform(-0.3, 0.3)))
            item.public_service = max(0, other + delta)
            item.business_revenue = item.business
            if rng.random() < 0.3:
                item.other_revenue = _cents(rng, 0.5, 5)
    if rng.random() < 0.1:  # 上级补助收入 now and then
        code = rng.choice(project_codes)
        grant = _cents(rng, 1, level * 0.02)
        items[code].superior = grant
        items[code].other_project += grant
    # -- basic spending by economic code -------------------------------------------------------------------------------
    gb_basic = sum(i.gb_basic for i in items.values())
    personnel = int(gb_basic * rng.uniform(0.78, 0.9))
    public = gb_basic - personnel
    pension = int(personnel * rng.uniform(0.05, 0.15))
    wages = personnel - pension
    economic: dict[str, int] = {}
    wage_codes = ["30101", "30102", "30103", "30107", "30108", "30109", "30110", "30112", "30113", "30199"]
    for code, part in zip(wage_codes, _split(rng, wages, [5, 3, 2, 1, 1.8, 0.4, 0.6, 0.1, 1.9, 1])):
        economic[code] = part
    for code, part in zip(("30302", "30304", "30305"), _split(rng, pension, [6, 1.5, 0.3])):
        economic[code] = part
    three = {k: (0, 0) for k in ("overseas_travel", "reception", "vehicle_purchase", "vehicle_operation")}
    if rng.random() < 0.85:
        budget = _cents(rng, 2, max(3, public / 100 * 0.08))
        three["vehicle_operation"] = (budget, budget - _cents(rng, 0, budget / 100 * 0.1))
    if rng.random() < 0.5:
        budget = _cents(rng, 0.5, 5)
        three["reception"] = (budget, int(budget * rng.uniform(0.3, 1)))
    if rng.random() < 0.15:
        budget = _cents(rng, 3, 30)
        three["overseas_travel"] = (budget, int(budget * rng.uniform(0.5, 1)))
    if rng.random() < 0.1:
        budget = _cents(rng, 15, 30)
        three["vehicle_purchase"] = (budget, budget)
    fixed = {"30231": three["vehicle_operation"][1], "30217": three["reception"][1]}
    rest = public - sum(fixed.values())
    if rest < 0:  # 三公 larger than the public budget: scale 三公 down
        three = {k: (0, 0) for k in three}
        fixed = {}
        rest = public
    public_codes = ["30201", "30205", "30206", "30207", "30209", "30211", "30213", "30215", "30216", "30226",
                    "30228", "30239", "30299", "31002"]
    weights = [3, 0.5, 1, 1.5, 2.5, 1.5, 1, 0.3, 0.4, 1, 1.2, 2, 0.8, 0.8]
    present = [(c, w) for c, w in zip(public_codes, weights) if rng.random() < 0.8] or [("30201", 1.0)]
    for (code, _), part in zip(present, _split(rng, rest, [w for _, w in present])):
        economic[code] = part
    economic.update(fixed)
    agency = int(public * rng.uniform(0.85, 1.1)) if rng.random() < 0.9 else 0
    # -- procurement, assets, performance ------------------------------------------------------------------------------
    proc_total = int(project_total * rng.uniform(0.1, 0.7))
    goods, works = int(proc_total * rng.uniform(0, 0.3)), int(proc_total * rng.uniform(0, 0.2)) if rng.random() < 0.3 else 0
    services = proc_total - goods - works
    sme_goods, sme_works = int(goods * rng.uniform(0.5, 1)), int(works * rng.uniform(0, 1))
    sme_services = int(services * rng.uniform(0.1, 1))
    sme = sme_goods + sme_works + sme_services
    procurement = {"total": proc_total, "goods": goods, "works": works, "services": services,
                   "sme": sme, "sme_goods": sme_goods, "sme_works": sme_works, "sme_services": sme_services,
                   "small_micro": int(sme * rng.uniform(0.6, 1))}
    vehicles = {t: 0 for t in catalog.VEHICLE_TYPES}
    for t in rng.sample(catalog.VEHICLE_TYPES, rng.randint(1, 3)):
        vehicles[t] = rng.randint(1, 4)
    operated = sum(vehicles.values()) - (1 if rng.random() < 0.2 and sum(vehicles.values()) > 1 else 0)
    projects = _projects(dept, year, rng, project_total)
    y = Year(year, dict(sorted(items.items())), gb_income, fund_income, sc_income, carry["gb"], carry["fund"],
             carry["sc"], carry["other"], economic, three, agency, procurement, vehicles, operated, projects)
    if three["overseas_travel"][1]:
        y.outbound_groups, y.outbound_persons = rng.randint(1, 3), rng.randint(2, 9)
    if three["reception"][1]:
        y.reception_batches, y.reception_persons = rng.randint(2, 30), rng.randint(10, 200)
    return y


def _separate(items: dict[str, ItemYear], rng: random.Random) -> None:
    """No two amounts of the general-budget table within 0.10 of each other: the solver admits 尾差 of 0.06 in a
    family sum, so two near-equal amounts in different columns could be swapped (a coincidence, not a layout)."""
    seen: list[int] = []
    for item in items.values():
        for attr in ("gb_basic", "gb_project"):
            amount = getattr(item, attr)
            while amount and any(abs(amount - other) <= 10 for other in seen):
                amount += rng.randint(11, 99)
            setattr(item, attr, amount)
            if amount:
                seen.append(amount)
    for _ in range(50):  # sums of single-column rows that a swap would reproduce within 尾差
        family = _ambiguous_family(items)
        if family is None:
            return
        item = rng.choice(family)
        attr = "gb_basic" if item.gb_basic else "gb_project"
        setattr(item, attr, getattr(item, attr) + rng.randint(11, 199))


def _ambiguous_family(items: dict[str, ItemYear]) -> list[ItemYear] | None:
    """A family (款 → 项, 类 → 款, 合计 → 类) of the general-budget table in which moving some single-amount rows to
    the other column (基本 ↔ 项目) keeps both column sums within 0.08: the first such family's single-amount 项."""
    groups: dict[str, list[ItemYear]] = {}
    for code, item in items.items():
        if item.gb:
            for key in (code[:5], code[:3], ""):
                groups.setdefault(key, []).append(item)
    families: dict[str, list[str]] = {}
    for key in groups:
        if key:
            families.setdefault(key[:-2] if len(key) == 5 else "", []).append(key)
    for key, members in groups.items():
        if len(key) == 5:
            families.setdefault(key, [m.code for m in members])
    for parent, children in families.items():
        rows = []
        for child in children:
            members = groups.get(child) or [items[child]]
            rows.append((sum(m.gb_basic for m in members), sum(m.gb_project for m in members), members))
        singles = [r for r in rows if (r[0] == 0) != (r[1] == 0)]
        if not 1 <= len(singles) <= 10:
            continue
        for mask in range(1, 1 << len(singles)):
            moved = sum((r[0] - r[1]) for i, r in enumerate(singles) if mask >> i & 1)
            if abs(moved) <= 8:
                return [m for i, r in enumerate(singles) if mask >> i & 1 for m in r[2] if (m.gb_basic == 0) != (m.gb_project == 0)] or None
    return None


def _keep_carryovers(y: Year, rng: random.Random) -> None:
    """Each appropriation type in use ends the year with some carry-over, so that the 04 table's 年末 line prints one
    amount per fund type (a zero there is blank and the line no longer says which column its amounts are in)."""
    if y.carry_end_gb <= 0:
        bump = _cents(rng, 1, 30)
        y.gb_income += bump
        max(y.items.values(), key=lambda i: i.gb).fiscal += bump
    if y.fund_expenditure and y.carry_end_fund <= 0:
        bump = _cents(rng, 1, 30)
        y.fund_income += bump
        y.items[catalog.FUND_ITEMS[0]].fiscal += bump
    if y.sc_expenditure and y.carry_end_sc <= 0:
        bump = _cents(rng, 1, 10)
        y.sc_income += bump
        y.items[catalog.STATE_CAPITAL_ITEMS[0]].fiscal += bump


def _projects(dept: Department, year: int, rng: random.Random, project_total: int) -> list[Project]:
    names = list(dept.template[7])
    rng.shuffle(names)
    chosen = names[: rng.randint(1, min(3, len(names)))]
    units = dept.units[year] if year in dept.units else next(iter(dept.units.values()))
    projects = []
    for name in chosen:
        budget = max(100, int(project_total * rng.uniform(0.05, 0.25)) // 100 * 100 + rng.choice((0, 50, 37, 81)))
        actual = budget if rng.random() < 0.3 else int(budget * rng.uniform(0.6, 1.0))
        rate = pct(actual, budget)
        indicators = []
        pool = list(catalog.INDICATORS)
        picks = [i for i in pool if i[0] == "数量指标"][:2] + [i for i in pool if i[0] == "质量指标"][:2] + \
            [i for i in pool if i[0] == "效益指标"][:2]
        rng.shuffle(picks)
        picks.sort(key=lambda i: ("数量指标", "质量指标", "效益指标").index(i[0]))
        for level2, level3, unit in picks:
            weight = 20.0 if level2 == "效益指标" else 12.5
            target = rng.choice((90, 95, 100)) if unit == "%" else rng.randint(2, 60)
            short = rng.random() < 0.15
            actual_value = int(target * rng.uniform(0.7, 0.95)) if short else target + (rng.randint(0, 5) if unit != "%" else 0)
            completion = min(100, round(actual_value / target * 100)) if target else 100
            score = round(weight * completion / 100, 2)
            indicators.append({
                "level1": "效益指标" if level2 == "效益指标" else "产出指标",
                "level2": "社会效益指标" if level2 == "效益指标" else level2,
                "level3": level3, "operator": ">=", "target": str(target), "unit": unit,
                "actual": str(actual_value), "completion": f"{completion}%", "weight": weight, "score": score,
            })
        execution = round(min(rate, 10000) / 1000, 2)
        projects.append(Project(f"{name}", units[0] if len(units) == 1 or rng.random() < 0.6 else units[1],
                                budget, actual, indicators, execution, 0.0))
    return projects
