-- Budget against last year's budget for each department-year (部门预算 Y vs Y-1), line by line: the headline
-- figures, function codes of the all-funds and general-budget expenditure tables and the 三公 items.
-- basis 'budget_reports': the preferred budgets of Y and Y-1 are both loaded; a line printed in one of them only is
-- kept with NULL on the other side. 'stated_in_budget': no budget of Y-1 is loaded; last year's figure is the one
-- the budget of Y prints itself (the 三公 table's 上年预算 column, or the change its 说明 states for 三公 and
-- 机关运行经费: '比上年预算减少 X 万元'). stated_prior_year_budget keeps that printed figure on 'budget_reports' rows
-- too, so two budgets that disagree on a year show it (stated_difference).
with budgets as (
    {{ preferred_reports('budget') }}
),

lines as (
    {{ budget_lines('budgets') }}
),

stated_prior as (  -- what the budget of Y prints for Y-1
    select report_id, 'three_public' as scope, item as line, prior_year_budget as amount,
           prior_year_budget_source as source
    from {{ ref('fct_budget_three_public') }}
    where prior_year_budget is not null and unit is null
    union all
    select n.report_id, 'summary', 'agency_operating_cost_budget', max(n.value), 'narrative'
    from {{ ref('int_report_narrative_facts') }} as n
    inner join budgets using (report_id)
    where n.fact_key = 'agency_operating_cost_budget' and n.basis = 'derived' and n.qualifier is null
    group by n.report_id
),

current_lines as (
    select l.*, p.amount as stated_prior, p.source as stated_source
    from lines as l
    left join stated_prior as p using (report_id, scope, line)
),

from_budget_reports as (
    select
        coalesce(c.department_id, p.department_id) as department_id,
        coalesce(c.department, p.department) as department,
        coalesce(c.year, p.year + 1) as year,
        coalesce(c.scope, p.scope) as scope,
        coalesce(c.line, p.line) as line,
        coalesce(c.function_code, p.function_code) as function_code,
        coalesce(c.function_name, p.function_name) as function_name,
        coalesce(c.level, p.level) as level,
        c.amount as budget,
        p.amount as prior_year_budget,
        c.stated_prior as stated_prior_year_budget,
        cb.report_id as report_id,
        pb.report_id as prior_report_id,
        'budget_reports' as basis
    from (select * from current_lines
          where exists (select 1 from budgets as b
                        where b.department_id = current_lines.department_id and b.year = current_lines.year - 1)) as c
    full outer join (select * from lines
                     where exists (select 1 from budgets as b
                                   where b.department_id = lines.department_id and b.year = lines.year + 1)) as p
        on p.department_id = c.department_id and p.year = c.year - 1 and p.scope = c.scope and p.line = c.line
    inner join budgets as cb
        on cb.department_id = coalesce(c.department_id, p.department_id) and cb.year = coalesce(c.year, p.year + 1)
    inner join budgets as pb
        on pb.department_id = cb.department_id and pb.year = cb.year - 1
),

from_stated as (
    select
        c.department_id, c.department, c.year, c.scope, c.line, c.function_code, c.function_name, c.level,
        c.amount as budget,
        c.stated_prior as prior_year_budget,
        c.stated_prior as stated_prior_year_budget,
        c.report_id,
        cast(null as varchar) as prior_report_id,
        'stated_in_budget' as basis
    from current_lines as c
    where c.stated_prior is not null
      and not exists (select 1 from budgets as b where b.department_id = c.department_id and b.year = c.year - 1)
),

changes as (
    select * from from_budget_reports
    union all
    select * from from_stated
)

select
    department_id,
    department,
    year,
    scope,
    line,
    function_code,
    function_name,
    level,
    budget,
    prior_year_budget,
    round(budget - prior_year_budget, 6) as change_amount,
    case when prior_year_budget is not null and prior_year_budget <> 0
         then round((budget - prior_year_budget) / abs(prior_year_budget) * 100, 2) end as change_pct,
    stated_prior_year_budget,
    case when basis = 'budget_reports' then round(stated_prior_year_budget - prior_year_budget, 6) end
        as stated_difference,
    report_id,
    prior_report_id,
    basis
from changes
