-- One row per report: headline figures. Table values are preferred; the narrative is the fallback, and each
-- *_source column says which was used ('table' | 'narrative' | NULL when neither states it). Amounts in 万元.
{{ report_mart() }}
{#- every relation filtered by the reports to build: DuckDB does not push the filter into a left join's side -#}
{%- set building = changed_reports() %}
with summary as (
    select
        report_id,
        max(value) filter (where item = 'income_total') as income_total,
        max(value) filter (where item = 'expenditure_total') as expenditure_total,
        max(value) filter (where item = 'carryover_begin') as carryover_begin,
        max(value) filter (where item = 'carryover_end') as carryover_end,
        max(value) filter (where item = 'grand_total' and side in ('income', '')) as grand_total
    from {{ ref('int_labelled_items') }}
    where {{ report_in(building, 'report_id') }}
      and table_family = 'income_expenditure_summary'
      and column_name = 'amount'
    group by report_id
),

expenditure_total_row as (
    select report_id, total, basic, project
    from {{ ref('int_table_totals') }}
    where {{ report_in(building, 'report_id') }} and table_family = 'expenditure'
),

basic_totals as (
    select
        report_id,
        max(value) filter (where item = 'personnel_total') as personnel_total,
        max(value) filter (where item = 'public_total') as public_total
    from {{ ref('int_labelled_items') }}
    where {{ report_in(building, 'report_id') }} and table_family = 'general_budget_basic_expenditure'
    group by report_id
),

three_public as (
    select report_id, budget as three_public_budget, actual as three_public_actual
    from {{ ref('fct_three_public') }}
    where {{ report_in(building, 'report_id') }} and item = 'total'
),

facts as (
    select
        report_id,
        -- the narrative's 收入总计 (income_total) is the grand total: the fallback is its 本年收入/支出合计
        max(value) filter (where fact_key = 'income_current_year') as income_total,
        max(value) filter (where fact_key = 'expenditure_current_year') as expenditure_total,
        max(value) filter (where fact_key = 'expenditure_basic') as expenditure_basic,
        max(value) filter (where fact_key = 'expenditure_project') as expenditure_project,
        max(value) filter (where fact_key = 'carryover_begin') as carryover_begin,
        max(value) filter (where fact_key = 'carryover_end') as carryover_end,
        max(value) filter (where fact_key = 'agency_operating_cost') as agency_operating_cost,
        max(value) filter (where fact_key = 'three_public_total') as three_public_total,
        max(value) filter (where fact_key = 'personnel_expenditure') as personnel_expenditure,
        max(value) filter (where fact_key = 'public_expenditure') as public_expenditure,
        max(value) filter (where fact_key = 'vehicles_total') as vehicles_total
    from {{ ref('int_narrative_facts') }}
    where {{ report_in(building, 'report_id') }}
    group by report_id
),

projects as (
    select report_id, count(*) as project_count, round(avg(total_score), 2) as mean_project_score
    from {{ ref('stg_performance_projects') }}
    where {{ report_in(building, 'report_id') }}
    group by report_id
),

units as (
    select report_id, count(*) as unit_evaluation_count, round(avg(total_score), 2) as mean_unit_score
    from {{ ref('stg_unit_evaluations') }}
    where {{ report_in(building, 'report_id') }}
    group by report_id
),

checks as (
    select
        report_id,
        count(*) filter (where status = 'pass') as reconciliation_passes,
        count(*) filter (where status = 'fail') as reconciliation_fails,
        count(*) filter (where status = 'not_run') as reconciliation_not_run
    from {{ ref('stg_reconciliation_checks') }}
    where {{ report_in(building, 'report_id') }}
    group by report_id
),

issues as (
    select
        report_id,
        count(*) filter (where severity = 'error') as parse_errors,
        count(*) filter (where severity = 'warning') as parse_warnings
    from {{ ref('stg_parse_issues') }}
    where {{ report_in(building, 'report_id') }}
    group by report_id
),

tables as (
    select report_id, count(*) as table_count
    from {{ ref('stg_report_tables') }}
    where {{ report_in(building, 'report_id') }}
    group by report_id
)

select
    {{ report_columns('r') }},
    r.department_as_printed,
    r.path,
    {{ prefer_table('s.income_total', 'n.income_total', 'income_total') }}
    {{ prefer_table('s.expenditure_total', 'n.expenditure_total', 'expenditure_total') }}
    {{ prefer_table('x.basic', 'n.expenditure_basic', 'basic_total') }}
    {{ prefer_table('x.project', 'n.expenditure_project', 'project_total') }}
    {{ prefer_table('s.carryover_begin', 'n.carryover_begin', 'carryover_begin') }}
    {{ prefer_table('s.carryover_end', 'n.carryover_end', 'carryover_end') }}
    s.grand_total,
    {{ prefer_table('b.personnel_total', 'n.personnel_expenditure', 'personnel_total') }}
    {{ prefer_table('b.public_total', 'n.public_expenditure', 'public_total') }}
    n.agency_operating_cost,
    {{ prefer_table('t.three_public_actual', 'n.three_public_total', 'three_public_total') }}
    t.three_public_budget,
    p.total as procurement_total,
    p.sme_amount,
    p.sme_share_pct,
    n.vehicles_total,
    coalesce(pr.project_count, 0) as project_count,
    pr.mean_project_score,
    coalesce(u.unit_evaluation_count, 0) as unit_evaluation_count,
    u.mean_unit_score,
    coalesce(c.reconciliation_passes, 0) as reconciliation_passes,
    coalesce(c.reconciliation_fails, 0) as reconciliation_fails,
    coalesce(c.reconciliation_not_run, 0) as reconciliation_not_run,
    coalesce(i.parse_errors, 0) as parse_errors,
    coalesce(i.parse_warnings, 0) as parse_warnings,
    coalesce(tb.table_count, 0) as table_count
from {{ ref('int_reports_preferred') }} as r
left join summary as s using (report_id)
left join expenditure_total_row as x using (report_id)
left join basic_totals as b using (report_id)
left join three_public as t using (report_id)
left join facts as n using (report_id)
left join (select * from {{ ref('fct_procurement') }} where {{ report_in(building, 'report_id') }}) as p using (report_id)
left join projects as pr using (report_id)
left join units as u using (report_id)
left join checks as c using (report_id)
left join issues as i using (report_id)
left join tables as tb using (report_id)
where {{ report_in(building, 'r.report_id') }}
