{#- The preferred reports of a kind ('budget' or 'final') of a known department: report_id, department_id, year. -#}
{% macro preferred_reports(kind) -%}
    select report_id, department_id, year
    from {{ ref('dim_report_version') }}
    where is_preferred and kind = '{{ kind }}' and department_id is not null
{%- endmacro %}

{#- The lines of the budgets in the relation `budgets` (report_id) that are compared with another report: the
    function codes of the all-funds and general-budget expenditure tables (line = the code), the headline figures of
    fct_budget_summary (scope 'summary', line = the column) and the report's own 三公 items (scope 'three_public').
    Columns: report_id, department_id, department, year, scope, line, function_code, function_name, level, amount. -#}
{% macro budget_lines(budgets) -%}
    select f.report_id, f.department_id, f.department, f.year, f.scope, f.function_code as line, f.function_code,
           f.function_name, f.level, f.total as amount
    from {{ ref('fct_budget_by_function') }} as f
    inner join {{ budgets }} using (report_id)
    where f.scope in ('all_funds', 'general_budget')
    union all
    select s.report_id, s.department_id, s.department, s.year, 'summary', u.line, null, null, null, u.amount
    from {{ ref('fct_budget_summary') }} as s
    inner join {{ budgets }} using (report_id)
    cross join lateral (values ('income_total', s.income_total), ('expenditure_total', s.expenditure_total),
                               ('basic_total', s.basic_total), ('project_total', s.project_total),
                               ('general_budget_total', s.general_budget_total),
                               ('agency_operating_cost_budget', s.agency_operating_cost_budget),
                               ('procurement_budget', s.procurement_budget)) as u(line, amount)
    union all
    select t.report_id, t.department_id, t.department, t.year, 'three_public', t.item, null, null, null, t.budget
    from {{ ref('fct_budget_three_public') }} as t
    inner join {{ budgets }} using (report_id)
    where t.unit is null
{%- endmacro %}
