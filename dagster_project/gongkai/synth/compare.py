"""Comparing a parsed :class:`gongkai.extract.records.Report` with a synthetic report's truth.

``compare(report, truth)`` returns the list of differences as readable strings (empty = the round trip holds):
identity, every table cell (value or NULL), the narrative facts and comparatives, the projects, and the failed
reconciliation checks (only those the generator injected beyond tolerance may fail). ``compare_budget`` does the same
for a synthetic budget (gongkai.synth.budget).
"""

from __future__ import annotations

from gongkai.extract.text import squeeze

TOLERANCE = 1e-6


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= TOLERANCE + 1e-9


def _find_row(table, cell: dict):
    for row in table.rows:
        if cell["code"] is not None:
            if row.code == cell["code"]:
                return row
        elif cell["item"] is not None:
            if row.item == cell["item"] and (cell["side"] is None or row.side == cell["side"]):
                return row
        elif cell["label"] is not None and row.side == cell["side"] and not row.item and row.label == \
                squeeze(cell["label"]):
            return row
    return None


def compare_cells(report, truth: dict) -> list[str]:
    problems = []
    tables = {t.family: t for t in report.tables}
    for family in truth["tables_present"]:
        if family not in tables:
            problems.append(f"table {family}: not found")
    for cell in truth["cells"]:
        table = tables.get(cell["family"])
        if table is None:
            continue
        row = _find_row(table, cell)
        where = f"{cell['family']}[{cell['code'] or cell['item'] or cell['label']}"\
                f"{'/' + cell['side'] if cell['side'] else ''}].{cell['column']}"
        if row is None:
            problems.append(f"{where}: row not found (truth {cell['value']})")
            continue
        got = row.cell(cell["column"])
        if got is None:
            problems.append(f"{where}: column not read (truth {cell['value']})")
        elif got.status == "ambiguous":
            problems.append(f"{where}: ambiguous among {got.candidates} (truth {cell['value']}, printed "
                            f"{got.original})")
        elif not _same(got.value, cell["value"]):
            problems.append(f"{where}: read {got.value}, truth {cell['value']}")
    return problems


def compare_narrative(report, truth: dict) -> list[str]:
    problems = []
    for key, expected in truth["narrative"].items():
        fact = report.fact(key)
        if fact is None:
            problems.append(f"narrative {key}: not read (truth {expected})")
        elif not _same(round(fact.value, 4), expected):
            problems.append(f"narrative {key}: read {fact.value}, truth {expected}")
    for key, by_qualifier in truth["narrative_qualified"].items():
        for qualifier, expected in by_qualifier.items():
            fact = report.fact(key, qualifier=qualifier)
            if fact is None:
                problems.append(f"narrative {key}[{qualifier}]: not read (truth {expected})")
            elif not _same(round(fact.value, 4), expected):
                problems.append(f"narrative {key}[{qualifier}]: read {fact.value}, truth {expected}")
    for key, expected in truth["comparatives"].items():
        fact = report.fact(key, basis="comparative")
        if fact is None:
            problems.append(f"comparative {key}: not read (truth {expected})")
        elif not _same(round(fact.value, 2), expected):
            problems.append(f"comparative {key}: read {fact.value}, truth {expected}")
    return problems


_PROJECT_FIELDS = ("implementing_unit", "budget", "actual", "execution_rate_pct", "indicator_subtotal",
                   "execution_score", "deduction", "total_score")
_INDICATOR_FIELDS = ("level1", "level2", "level3", "operator", "target", "unit", "actual", "completion", "weight",
                     "score")


def compare_projects(report, truth: dict) -> list[str]:
    problems = []
    if len(report.projects) != len(truth["projects"]):
        problems.append(f"projects: read {len(report.projects)}, truth {len(truth['projects'])}")
    for expected, got in zip(truth["projects"], report.projects):
        name = expected["name"]
        if got.name != name:
            problems.append(f"project {name}: name read as {got.name}")
        for field in _PROJECT_FIELDS:
            a, b = getattr(got, field), expected[field]
            if (a != b) if isinstance(b, str) or b is None else not _same(a, b):
                problems.append(f"project {name}.{field}: read {a}, truth {b}")
        if len(got.indicators) != len(expected["indicators"]):
            problems.append(f"project {name}: {len(got.indicators)} indicators, truth {len(expected['indicators'])}")
        for i, (ind, exp) in enumerate(zip(got.indicators, expected["indicators"])):
            for field in _INDICATOR_FIELDS:
                a, b = getattr(ind, field), exp[field]
                if (a != b) if isinstance(b, str) else not _same(a, b):
                    problems.append(f"project {name} indicator {i}.{field}: read {a!r}, truth {b!r}")
    return problems


def compare_checks(report, truth: dict) -> list[str]:
    failed = {c.name for c in report.checks if c.status == "fail"}
    expected = set(truth["expected_failed_checks"])
    problems = [f"check {name} failed unexpectedly" for name in sorted(failed - expected)]
    problems += [f"check {name} should fail (injected 尾差) but did not" for name in sorted(expected - failed)]
    return problems


def compare(report, truth: dict) -> list[str]:
    problems = []
    if report.department != truth["department"]:
        problems.append(f"department: read {report.department}, truth {truth['department']}")
    if report.fiscal_year != truth["fiscal_year"]:
        problems.append(f"fiscal_year: read {report.fiscal_year}, truth {truth['fiscal_year']}")
    if report.kind != truth["kind"]:
        problems.append(f"kind: read {report.kind}, truth {truth['kind']}")
    if list(report.units_in_scope) != truth["units_in_scope"]:
        problems.append(f"units_in_scope: read {report.units_in_scope}, truth {truth['units_in_scope']}")
    return problems + compare_cells(report, truth) + compare_narrative(report, truth) + \
        compare_projects(report, truth) + compare_checks(report, truth)


def compare_budget(report, truth: dict) -> list[str]:
    """A synthetic budget against its truth: identity, every cell, the narrative; no check may fail."""
    problems = [f"{key}: read {getattr(report, key)}, truth {truth[key]}"
                for key in ("department", "fiscal_year", "kind") if getattr(report, key) != truth[key]]
    problems += [f"check {c.name} failed" for c in report.checks if c.status == "fail"]
    return problems + compare_cells(report, truth) + compare_narrative(report, truth)
