"""Generating a corpus of synthetic final-accounts reports with their truth.

``generate_corpus(out_dir, departments=N, years=M, seed=S, pdf=False)`` writes, for each department × year,
``<name>.txt`` (the text-dump form of the seed report) and optionally ``<name>.pdf`` into ``out_dir``; the truth
goes to a folder beside it, :func:`truth_dir_for` (``<out_dir>-truth/``): ``<name>.truth.json`` per report and
``corpus.truth.json`` with the department identities and their names over time — so ``out_dir`` holds only reports
and can be the raw folder of a run. With ``budgets=True`` each final gets its budget (部门预算) of the same year,
``<name>_budget.pdf`` (PDF only: budgets are read from PDFs; needs reportlab) with ``<name>_budget.truth.json``
(gongkai.synth.budget). Output is byte-for-byte deterministic given the arguments.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from gongkai.synth import catalog
from gongkai.synth.model import Department
from gongkai.synth.render import Options, Renderer
from gongkai.synth.simulate import simulate

LAST_YEAR = 2024
LEVELS = ("province", "city", "district")


def _department(index: int, seed: int, rng: random.Random, years: list[int]) -> Department:
    template = catalog.DEPARTMENTS[index % len(catalog.DEPARTMENTS)]
    base, renamed, kuan, kuan_items, extra, has_institution, unit_suffix, _ = template
    province, cities = catalog.REGIONS[rng.randrange(len(catalog.REGIONS))]
    city, districts = cities[rng.randrange(len(cities))]
    district = districts[rng.randrange(len(districts))]
    level = LEVELS[(index // len(catalog.DEPARTMENTS) + rng.randrange(3)) % 3]
    prefix = {"province": province, "city": city, "district": city + district}[level]
    region = {"province": province, "city": city if level != "province" else None,
              "district": district if level == "district" else None}
    rename_year = None
    if renamed and len(years) >= 2 and rng.random() < 0.7:
        rename_year = years[rng.randrange(1, len(years))]
    names, units = {}, {}
    for year in [years[0] - 1] + years:
        name = prefix + (renamed if rename_year and year >= rename_year else base)
        names[year] = name
        units[year] = [f"{name}本级"] + ([f"{prefix}{unit_suffix}"] if has_institution and unit_suffix else [])
    items = list(kuan_items)
    if extra:
        items += list(extra[1])
    for _, codes in catalog.COMMON_ITEMS:
        items += [c for c in codes if rng.random() < 0.85 or c in ("2080505", "2210201")]
    if not has_institution:
        items = [c for c in items if c[-2:] != "50" and c != "2080502" and c != "2101102"]
    style = {
        "labels": rng.choice(("liaoning", "liaoning", "shanghai", "biao", "plain")),
        "order": "liaoning_city" if level == "city" and rng.random() < 0.5 else "standard",
        "fund_table": rng.choice(("empty", "empty", "absent")),
        "sc_table": rng.choice(("empty", "absent", "absent")),
        "zero_column": rng.random() < 0.3,
        "spaced_codes": rng.random() < 0.15,
        "detail_title": rng.random() < 0.2,
    }
    names_printed = {y: n for y, n in names.items()}
    return Department(
        ident=f"synth-{seed}-{index + 1:04d}", template=template, names=names_printed, region=region, level=level,
        units=units, items=sorted(set(items)), has_institution=has_institution,
        fund=base in ("城市管理综合执法局", "自然资源局") and rng.random() < 0.7,
        state_capital=rng.random() < 0.1, rename_year=rename_year, style=style,
    )


def report_stem(dept: Department, year: int) -> str:
    return f"{year}_{dept.ident}"


def _expenditure_sources(index: int) -> str | None:
    """How the ``index``-th department's budget prints sources of funds in its 支出总表: by function code, per unit or
    not at all."""
    return "function" if index % 2 == 1 else "unit" if index % 3 == 2 else None


def _write_budget(dept: Department, index: int, year, prev, rng: random.Random, out: Path, truth_dir: Path) -> Path:
    """The budget matching the final of ``year``: ``<stem>_budget.pdf`` and its truth, in the layout of the
    ``index``-th department (the layouts of real budget families in turn; every other one prints its 支出总表's sources
    of funds by function code, every third of the rest per unit)."""
    from gongkai.synth.budget import LAYOUTS, BudgetRenderer
    from gongkai.synth.pdf import render_pdf

    dump, truth = BudgetRenderer(dept, year, prev, rng, LAYOUTS[index % len(LAYOUTS)],
                                 expenditure_sources=_expenditure_sources(index)).render()
    stem = f"{report_stem(dept, year.year)}_budget"
    path = render_pdf(dump, out / f"{stem}.pdf")
    truth["file"] = path.name
    (truth_dir / f"{stem}.truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True),
                                                  encoding="utf-8")
    return path


def truth_dir_for(out_dir: str | Path) -> Path:
    """Where the truth of the reports generated into ``out_dir`` goes: ``<out_dir>-truth`` beside it."""
    out = Path(out_dir)
    return out.parent / f"{out.name}-truth"


def generate_corpus(out_dir: str | Path, departments: int = 3, years: int = 2, seed: int = 0, pdf: bool = False,
                    options: Options | None = None, budgets: bool = False) -> list[Path]:
    """Write the reports to ``out_dir`` and their truth to :func:`truth_dir_for`; returns the report files written
    (text, then PDFs if asked, then budgets if asked), sorted."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    truth_dir = truth_dir_for(out)
    truth_dir.mkdir(parents=True, exist_ok=True)
    options = options or Options()
    year_list = list(range(LAST_YEAR - years + 1, LAST_YEAR + 1))
    written: list[Path] = []
    identities = []
    for index in range(departments):
        rng = random.Random(f"gongkai-synth:{seed}:{index}")
        dept = _department(index, seed, rng, year_list)
        accounts = simulate(dept, year_list, rng, options.business_expenditure, options.one_sided_carryover)
        identities.append({
            "department_id": dept.ident, "region": dept.region, "level": dept.level,
            "names": [{"name": dept.names[y], "years": [y]} for y in year_list],
            "aliases": sorted({dept.names[y] for y in year_list}), "rename_year": dept.rename_year,
        })
        for year in year_list:
            renderer = Renderer(dept, accounts[year], accounts[year - 1], random.Random(f"{seed}:{index}:{year}"),
                                options)
            text, truth = renderer.render()
            stem = report_stem(dept, year)
            path = out / f"{stem}.txt"
            path.write_bytes(text.encode("utf-8"))
            truth["file"] = path.name
            (truth_dir / f"{stem}.truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True),
                                                    encoding="utf-8")
            written.append(path)
            if pdf:
                from gongkai.synth.pdf import render_pdf

                pdf_path = out / f"{stem}.pdf"
                render_pdf(renderer.dump, pdf_path)
                written.append(pdf_path)
            if budgets:
                written.append(_write_budget(dept, index, accounts[year], accounts[year - 1],
                                             random.Random(f"{seed}:{index}:{year}:budget"), out, truth_dir))
    for identity in identities:  # merge consecutive years under one name
        merged: list[dict] = []
        for entry in identity["names"]:
            if merged and merged[-1]["name"] == entry["name"]:
                merged[-1]["years"] += entry["years"]
            else:
                merged.append(entry)
        identity["names"] = merged
    corpus = {"seed": seed, "years": year_list, "departments": identities}
    (truth_dir / "corpus.truth.json").write_text(json.dumps(corpus, ensure_ascii=False, indent=1, sort_keys=True),
                                           encoding="utf-8")
    return sorted(written)
