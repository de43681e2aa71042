{{ config(meta={'dagster': {'ref': {'name': 'fct_report_summary'}}}) }}
-- Every mart row belongs to a loaded report that is the current version at its path.
{% set marts = ['fct_expenditure_by_function', 'fct_income_by_function', 'fct_fund_appropriation_by_function',
                'fct_basic_expenditure_by_economic_class', 'fct_project_expenditure_by_function',
                'fct_expenditure_by_economic_class', 'fct_operations_disclosure', 'fct_three_public', 'fct_procurement',
                'fct_project_performance', 'fct_performance_indicator', 'fct_unit_performance',
                'fct_report_summary', 'reconciliation', 'parse_issues'] %}
{% for m in marts %}
select '{{ m }}' as mart, m.report_id
from {{ ref(m) }} as m
left join {{ ref('stg_report_files') }} as f
    on f.report_id = m.report_id and f.is_current and f.status = 'loaded'
where f.report_id is null
{% if not loop.last %}union all{% endif %}
{% endfor %}
