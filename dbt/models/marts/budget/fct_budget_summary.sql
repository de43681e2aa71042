-- One row per preferred budget (one per department-year, dim_report_version) (部门预算): headline figures in 万元 and its reconciliation counts.
-- income_total / expenditure_total: the 收支预算总表's 本年收入(支出)合计, else its 总计; basic_total / project_total:
-- the 合计 row of 支出预算总表, else of 一般公共预算支出表; three_public_budget: the 三公 table's 合计;
-- agency_operating_cost_budget: the 三公 table's 机关运行经费, else the 合计 of 机关运行经费支出预算表;
-- procurement_budget: the 合计 of 政府采购支出预算表. Where no table prints them, the figure the narrative states
-- (预算情况说明: three_public_budget, agency_operating_cost_budget, procurement_budget); *_source says which.
-- 绩效目标 and vehicles: as the narrative states them (no table prints them).
{{ report_mart() }}
with rows as (
    select * from {{ ref('int_budget_rows') }}
),

summary as (
    select
        report_id,
        max(coalesce(amount, total)) filter (where side = 'income' and item = 'income_total') as income_subtotal,
        max(coalesce(amount, total)) filter (where side = 'income' and item = 'grand_total') as income_grand_total,
        max(coalesce(amount, total)) filter (where side = 'expenditure' and item = 'expenditure_total')
            as expenditure_subtotal,
        max(coalesce(amount, total)) filter (where side = 'expenditure' and item = 'grand_total')
            as expenditure_grand_total
    from rows
    where table_family = 'budget_summary'
    group by report_id
),

totals as (
    select
        report_id,
        max(total) filter (where table_family = 'budget_expenditure') as expenditure_table_total,
        max(basic) filter (where table_family = 'budget_expenditure') as expenditure_basic,
        max(project) filter (where table_family = 'budget_expenditure') as expenditure_project,
        max(total) filter (where table_family = 'budget_general_expenditure') as general_budget_total,
        max(basic) filter (where table_family = 'budget_general_expenditure') as general_basic,
        max(project) filter (where table_family = 'budget_general_expenditure') as general_project,
        max(amount) filter (where table_family = 'budget_agency_operating') as agency_operating_table_total,
        max(total) filter (where table_family = 'budget_procurement') as procurement_table_total
    from rows
    where item = 'total'
    group by report_id
),

three as (
    select
        report_id,
        max(budget) filter (where item = 'total') as three_public_budget,
        max(budget) filter (where item = 'agency_operating_cost') as agency_operating_cost_budget
    from rows
    where table_family = 'budget_three_public' and level is null  -- the report's 合计, not a unit's row
    group by report_id
),

stated as (
    select
        report_id,
        max(value) filter (where fact_key = 'three_public_budget') as three_public_budget,
        max(value) filter (where fact_key = 'agency_operating_cost_budget') as agency_operating_cost_budget,
        max(value) filter (where fact_key = 'procurement_budget') as procurement_budget,
        max(value) filter (where fact_key = 'performance_target_projects_count') as performance_target_projects_count,
        max(value) filter (where fact_key = 'performance_target_funds') as performance_target_funds,
        max(value) filter (where fact_key = 'performance_target_coverage_pct') as performance_target_coverage_pct,
        max(value) filter (where fact_key = 'vehicles_total') as vehicles_total,
        max(value) filter (where fact_key = 'vehicles_budgeted_purchase') as vehicles_budgeted_purchase
    from {{ ref('int_report_narrative_facts') }}
    where basis = 'reported' and qualifier is null
    group by report_id
),

table_figures as (
    -- the figures the tables print that a narrative published apart is checked against (quality.reconciliation)
    unpivot (
        select
            report_id,
            h.three_public_budget,
            coalesce(h.agency_operating_cost_budget, t.agency_operating_table_total) as agency_operating_cost_budget,
            t.procurement_table_total as procurement_budget
        from three as h
        full join totals as t using (report_id)
    ) on three_public_budget, agency_operating_cost_budget, procurement_budget into name fact_key value value
),

checks as (
    select
        report_id,
        count(*) filter (where status = 'pass') as checks_passed,
        count(*) filter (where status = 'fail') as checks_failed,
        count(*) filter (where status = 'not_run') as checks_not_run
    from (
        select report_id, status from {{ ref('stg_reconciliation_checks') }}
        union all
        select report_id, status from ({{ narrative_part_checks('table_figures') }})
    )
    group by report_id
)

select
    {{ report_columns('r') }},
    r.department_as_printed,
    r.path,
    coalesce(s.income_subtotal, s.income_grand_total) as income_total,
    coalesce(s.expenditure_subtotal, s.expenditure_grand_total, t.expenditure_table_total) as expenditure_total,
    t.general_budget_total,
    coalesce(t.expenditure_basic, t.general_basic) as basic_total,
    coalesce(t.expenditure_project, t.general_project) as project_total,
    coalesce(h.three_public_budget, n.three_public_budget) as three_public_budget,
    case when h.three_public_budget is not null then 'table'
         when n.three_public_budget is not null then 'narrative' end as three_public_budget_source,
    coalesce(h.agency_operating_cost_budget, t.agency_operating_table_total, n.agency_operating_cost_budget)
        as agency_operating_cost_budget,
    case when coalesce(h.agency_operating_cost_budget, t.agency_operating_table_total) is not null then 'table'
         when n.agency_operating_cost_budget is not null then 'narrative' end as agency_operating_cost_budget_source,
    coalesce(t.procurement_table_total, n.procurement_budget) as procurement_budget,
    case when t.procurement_table_total is not null then 'table'
         when n.procurement_budget is not null then 'narrative' end as procurement_budget_source,
    cast(n.performance_target_projects_count as integer) as performance_target_projects_count,
    n.performance_target_funds,
    n.performance_target_coverage_pct,
    cast(n.vehicles_total as integer) as vehicles_total,
    cast(n.vehicles_budgeted_purchase as integer) as vehicles_budgeted_purchase,
    coalesce(c.checks_passed, 0) as checks_passed,
    coalesce(c.checks_failed, 0) as checks_failed,
    coalesce(c.checks_not_run, 0) as checks_not_run
from {{ ref('int_reports_preferred') }} as r
left join summary as s using (report_id)
left join totals as t using (report_id)
left join three as h using (report_id)
left join stated as n using (report_id)
left join checks as c using (report_id)
where r.kind = 'budget'
  and {{ reports_to_build('r.report_id') }}
