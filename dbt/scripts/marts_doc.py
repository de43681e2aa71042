"""Write docs/marts.md from the marts' YAML (dbt/models/marts/_marts.yml, marts/budget/_budget.yml, quality/_quality.yml).

    .venv/bin/python dbt/scripts/marts_doc.py > docs/marts.md

The YAML is the source of truth: every column has a description (English), meta.zh (Chinese term) and meta.unit.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

DBT = Path(__file__).resolve().parents[1]
SCHEMAS = (("marts", DBT / "models" / "marts" / "_marts.yml"), ("marts", DBT / "models" / "marts" / "budget" / "_budget.yml"),
           ("quality", DBT / "models" / "quality" / "_quality.yml"))
INTRO = (Path(__file__).with_name("marts_doc_intro.md")).read_text(encoding="utf-8")

ORDER = [
    "fct_report_summary", "dim_department", "dim_function_class", "dim_economic_class",
    "fct_expenditure_by_function", "fct_income_by_function", "fct_fund_appropriation_by_function",
    "fct_basic_expenditure_by_economic_class", "fct_project_expenditure_by_function", "fct_expenditure_by_economic_class",
    "fct_operations_disclosure", "fct_three_public", "fct_procurement",
    "fct_project_performance", "fct_performance_indicator", "fct_unit_performance",
    "dim_department_name", "dim_report_version", "dim_function_class_name_by_year", "dim_economic_class_name_by_year",
    "fct_reported_comparative", "fct_department_year", "fct_department_year_change", "fct_department_year_rank",
    "fct_project_performance_distribution",
    "fct_budget_summary", "fct_budget_by_function", "fct_budget_income_by_source", "fct_budget_expenditure_by_source",
    "fct_budget_basic_by_economic_class",
    "fct_budget_by_economic_class", "fct_budget_income_by_line", "fct_budget_project", "fct_budget_procurement",
    "fct_budget_three_public", "fct_budget_performance_target_table", "fct_budget_performance_target",
    "fct_budget_performance_target_task",
    "fct_budget_change", "fct_budget_vs_final",
    "reconciliation", "parse_issues", "comparative_reconciliation",
]


def models() -> list[tuple[str, dict]]:
    found = []
    for schema, path in SCHEMAS:
        for model in yaml.safe_load(path.read_text(encoding="utf-8"))["models"]:
            found.append((schema, model))
    found.sort(key=lambda sm: ORDER.index(sm[1]["name"]) if sm[1]["name"] in ORDER else len(ORDER))
    return found


def cell(text: object) -> str:
    return " ".join(str(text or "").split()).replace("|", "\\|")


def render() -> str:
    out = [INTRO.rstrip(), "", "## Tables", ""]
    for schema, model in models():
        out.append(f"- [`{schema}.{model['name']}`](#{schema}{model['name']})")
    out.append("")
    for schema, model in models():
        out += [f"### {schema}.{model['name']}", "", cell(model.get("description")), ""]
        out += ["| column | meaning | 中文 | unit |", "|---|---|---|---|"]
        for column in model["columns"]:
            meta = column.get("meta") or {}
            out.append(
                f"| `{column['name']}` | {cell(column.get('description'))} | {cell(meta.get('zh'))} | {cell(meta.get('unit'))} |"
            )
        out.append("")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
