{{ config(meta={'dagster': {'ref': {'name': 'fct_report_summary'}}}) }}
-- Every fct_* mart analysts query holds one version per department-year-kind: its rows belong to preferred
-- reports only (dim_report_version.is_preferred), so Σ over a folder holding a report twice counts it once.
{% set marts = ['fct_expenditure_by_function', 'fct_income_by_function', 'fct_fund_appropriation_by_function',
                'fct_basic_expenditure_by_economic_class', 'fct_project_expenditure_by_function',
                'fct_expenditure_by_economic_class', 'fct_operations_disclosure', 'fct_three_public', 'fct_procurement',
                'fct_project_performance', 'fct_performance_indicator', 'fct_unit_performance',
                'fct_report_summary', 'fct_budget_summary', 'fct_budget_by_function', 'fct_budget_income_by_source',
                'fct_budget_basic_by_economic_class', 'fct_budget_three_public', 'fct_budget_project', 'fct_budget_procurement',
                'fct_budget_by_economic_class', 'fct_budget_income_by_line', 'fct_budget_expenditure_by_source',
                'fct_review_finding'] %}
{% for m in marts %}
select '{{ m }}' as mart, m.report_id
from {{ ref(m) }} as m
inner join {{ ref('dim_report_version') }} as v using (report_id)
where not v.is_preferred
{% if not loop.last %}union all{% endif %}
{% endfor %}
