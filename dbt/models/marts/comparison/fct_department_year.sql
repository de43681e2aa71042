-- One row per department x year: the headline figures of fct_report_summary (same names) for the comparison marts,
-- and beside them the department-year's budget (部门预算, fct_budget_summary) where one is loaded.
-- basis 'report': the department-year's preferred report (dim_report_version.is_preferred) is loaded;
-- basis 'comparative': no report of that year is loaded, the figures are the comparatives a later report states
-- (fct_reported_comparative; only what the narrative gives: expenditure, carry-over, 机关运行经费, 三公 …);
-- basis 'budget': only the year's budget is loaded (the final's columns NULL, the budget's beside them).
-- The SME flag compares sme_share_pct with the policy threshold, dbt var sme_share_threshold_pct (default 30:
-- 政府采购 reserves at least 30% of procurement for small and medium enterprises).
{%- set threshold = var('sme_share_threshold_pct', 30) %}
with preferred as (
    select report_id
    from {{ ref('dim_report_version') }}
    where is_preferred and kind = 'final'
),

reported as (
    select
        s.department_id,
        s.year,
        'report' as basis,
        s.report_id,
        cast(null as varchar) as reported_by_report_id,
        s.income_total,
        s.grand_total,
        s.expenditure_total,
        s.basic_total,
        s.project_total,
        s.carryover_begin,
        s.carryover_end,
        s.agency_operating_cost,
        s.three_public_total,
        s.procurement_total,
        s.sme_share_pct,
        s.project_count,
        s.mean_project_score,
        s.reconciliation_fails
    from {{ ref('fct_report_summary') }} as s
    inner join preferred using (report_id)
    where s.department_id is not null
),

-- A report whose narrative 支出总计 is its grand total (收入支出总计, carry-overs included; Shanghai), not its
-- 本年支出合计 (Liaoning's 支出总计): its comparative 支出总计 is last year's grand total, never its expenditure_total.
grand_total_wording as (
    select n.report_id
    from {{ ref('int_report_narrative_facts') }} as n
    inner join {{ ref('fct_report_summary') }} as s using (report_id)
    where n.fact_key = 'expenditure_total' and n.basis = 'reported' and n.qualifier is null
      and abs(n.value - s.grand_total) <= 0.05 and abs(n.value - s.expenditure_total) > 0.05
),

-- A report whose narrative 收入总计 is its 本年收入合计 (西南大学), not its grand total: its comparative 收入总计 is
-- last year's income_total, never its grand_total.
current_year_wording as (
    select n.report_id
    from {{ ref('int_report_narrative_facts') }} as n
    inner join {{ ref('fct_report_summary') }} as s using (report_id)
    where n.fact_key = 'income_total' and n.basis = 'reported' and n.qualifier is null
      and abs(n.value - s.income_total) <= 0.05 and abs(n.value - s.grand_total) > 0.05
),

comparative as (
    select
        c.department_id,
        c.year,
        'comparative' as basis,
        cast(null as varchar) as report_id,
        min(c.reported_by_report_id) as reported_by_report_id,
        -- the narrative's income_total is 收入总计 (grand_total), or 本年收入合计 where the report says so
        max(c.value) filter (where c.fact_key = 'income_total'
                               and c.reported_by_report_id in (select report_id from current_year_wording))
            as income_total,
        max(c.value) filter (where c.fact_key = 'income_total'
                               and c.reported_by_report_id not in (select report_id from current_year_wording))
            as grand_total,
        max(c.value) filter (where c.fact_key = 'expenditure_total'
                               and c.reported_by_report_id not in (select report_id from grand_total_wording))
            as expenditure_total,
        max(c.value) filter (where c.fact_key = 'expenditure_basic') as basic_total,
        max(c.value) filter (where c.fact_key = 'expenditure_project') as project_total,
        max(c.value) filter (where c.fact_key = 'carryover_begin') as carryover_begin,
        max(c.value) filter (where c.fact_key = 'carryover_end') as carryover_end,
        max(c.value) filter (where c.fact_key = 'agency_operating_cost') as agency_operating_cost,
        max(c.value) filter (where c.fact_key = 'three_public_total') as three_public_total,
        max(c.value) filter (where c.fact_key = 'procurement_total') as procurement_total,
        max(c.value) filter (where c.fact_key = 'sme_share_pct') as sme_share_pct,
        cast(null as bigint) as project_count,
        cast(null as double) as mean_project_score,
        cast(null as bigint) as reconciliation_fails
    from {{ ref('fct_reported_comparative') }} as c
    where c.department_id is not null
      and not exists (select 1 from reported as r where r.department_id = c.department_id and r.year = c.year)
    group by c.department_id, c.year
),

budgets as (  -- the department-year's preferred budget (部门预算), beside its final
    select
        b.department_id,
        b.year,
        b.report_id as budget_report_id,
        b.expenditure_total as budget_expenditure_total,
        b.basic_total as budget_basic_total,
        b.project_total as budget_project_total,
        b.three_public_budget,
        b.agency_operating_cost_budget,
        b.procurement_budget
    from {{ ref('fct_budget_summary') }} as b
    inner join {{ ref('dim_report_version') }} as v on v.report_id = b.report_id and v.is_preferred
    where b.department_id is not null
),

known as (
    select * from reported
    union all by name
    select * from comparative
),

years as (
    select * from known
    union all by name
    select b.department_id, b.year, 'budget' as basis
    from budgets as b
    where not exists (select 1 from known as k where k.department_id = b.department_id and k.year = b.year)
)

select
    y.department_id,
    d.canonical_name as department,
    y.year,
    y.basis,
    y.report_id,
    y.reported_by_report_id,
    d.region,
    d.province,
    d.level,
    y.income_total,
    y.grand_total,
    y.expenditure_total,
    y.basic_total,
    y.project_total,
    y.carryover_begin,
    y.carryover_end,
    y.agency_operating_cost,
    y.three_public_total,
    y.procurement_total,
    y.sme_share_pct,
    {{ threshold }}::double as sme_threshold_pct,
    case when y.sme_share_pct is not null then y.sme_share_pct >= {{ threshold }} end as sme_share_meets_policy,
    y.project_count,
    y.mean_project_score,
    y.reconciliation_fails,
    b.budget_report_id,
    b.budget_expenditure_total,
    case when b.budget_expenditure_total <> 0 then round(y.expenditure_total / b.budget_expenditure_total * 100, 2) end
        as budget_execution_pct,
    b.budget_basic_total,
    b.budget_project_total,
    b.three_public_budget,
    b.agency_operating_cost_budget,
    b.procurement_budget
from years as y
inner join {{ ref('dim_department') }} as d using (department_id)
left join budgets as b using (department_id, year)
