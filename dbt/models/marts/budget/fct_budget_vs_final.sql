-- Budget against final for each department-year: the preferred budget (部门预算) of year Y against the preferred
-- final (部门决算) of year Y, line by line: function codes of the all-funds and general-budget expenditure tables,
-- the expenditure totals and the 三公 items. A line printed on one side only is kept, NULL on the other.
-- basis 'budget_report': the budget side is from a loaded budget report. 'final_report_budget_column': no budget
-- report of that department-year is loaded, the budget side is the 年初预算 printed inside the final (三公 预算数).
-- 'final_report_narrative': no budget report either, the budget side is the 年初预算 the final's narrative states
-- for the general budget ('一般公共预算财政拨款支出年初预算为 X 万元' → line expenditure_total; per 项 '行政运行（项）
-- 年初预算为 X 万元' → its function code, found by the 类/款/项 names in the final's general-budget table).
-- 'final_report_completion_pct': the narrative states no 年初预算 for the 项, only '完成年初预算的 X%' with its amount:
-- the budget is derived, amount / X × 100 (to 0.01 万元; X is rounded to 0.01%, so the budget to about ±0.01%).
with budget_reports as (
    {{ preferred_reports('budget') }}
),

final_reports as (
    {{ preferred_reports('final') }}
),

budget_lines as (  -- the summary's expenditure totals stand as all-funds lines, beside the final's
    select report_id, department_id, department, year,
           case when scope = 'summary' then 'all_funds' else scope end as scope,
           line, function_code, function_name, level, amount
    from ({{ budget_lines('budget_reports') }})
    where scope <> 'summary' or line in ('expenditure_total', 'basic_total', 'project_total')
),

final_lines as (
    select f.department_id, f.year, f.report_id, f.department, f.scope, f.function_code as line, f.function_code,
           f.function_name, f.level, f.total as amount
    from {{ ref('fct_expenditure_by_function') }} as f
    inner join final_reports using (report_id)
    union all
    select s.department_id, s.year, s.report_id, s.department, 'all_funds', u.line, null, null, null, u.amount
    from {{ ref('fct_report_summary') }} as s
    inner join final_reports using (report_id)
    cross join lateral (values ('expenditure_total', s.expenditure_total), ('basic_total', s.basic_total),
                                ('project_total', s.project_total)) as u(line, amount)
    union all
    select t.department_id, t.year, t.report_id, t.department, 'three_public', t.item, null, null, null, t.actual
    from {{ ref('fct_three_public') }} as t
    inner join final_reports using (report_id)
),

from_budget_reports as (
    select
        coalesce(b.department_id, f.department_id) as department_id,
        coalesce(b.department, f.department) as department,
        coalesce(b.year, f.year) as year,
        coalesce(b.scope, f.scope) as scope,
        coalesce(b.line, f.line) as line,
        coalesce(b.function_code, f.function_code) as function_code,
        coalesce(b.function_name, f.function_name) as function_name,
        coalesce(b.level, f.level) as level,
        b.amount as budget,
        f.amount as final,
        br.report_id as budget_report_id,
        fr.report_id as final_report_id,
        'budget_report' as basis
    from budget_lines as b
    full outer join final_lines as f using (department_id, year, scope, line)
    left join budget_reports as br on br.department_id = coalesce(b.department_id, f.department_id)
        and br.year = coalesce(b.year, f.year)
    left join final_reports as fr on fr.department_id = coalesce(b.department_id, f.department_id)
        and fr.year = coalesce(b.year, f.year)
    where br.report_id is not null
),

from_final_budget_columns as (
    select
        t.department_id,
        t.department,
        t.year,
        'three_public' as scope,
        t.item as line,
        cast(null as varchar) as function_code,
        cast(null as varchar) as function_name,
        cast(null as integer) as level,
        t.budget,
        t.actual as final,
        cast(null as varchar) as budget_report_id,
        t.report_id as final_report_id,
        'final_report_budget_column' as basis
    from {{ ref('fct_three_public') }} as t
    inner join final_reports using (report_id)
    where t.budget is not null
      and not exists (
          select 1 from budget_reports as br where br.department_id = t.department_id and br.year = t.year
      )
),

stated_budget as (  -- the 年初预算 a final's narrative states: the general budget's and each 项's
    select n.report_id, n.fact_key, n.qualifier, n.value
    from {{ ref('int_report_narrative_facts') }} as n
    inner join final_reports using (report_id)
    where n.basis = 'reported'
      and n.fact_key in ('general_budget_initial_budget', 'general_budget_item_initial_budget',
                         'general_budget_item_completion_pct', 'general_budget_item_amount')
      and not exists (
          select 1 from budget_reports as br where br.department_id = final_reports.department_id
              and br.year = final_reports.year
      )
),

general_budget_items as (  -- the final's general-budget 项 by the path of names 类/款/项 the narrative uses
    select
        i.report_id, i.department_id, i.department, i.year, i.function_code, i.function_name, i.level, i.total,
        {{ normalize_class_name('c.function_name') }} || '/' || {{ normalize_class_name('k.function_name') }} || '/'
            || {{ normalize_class_name('i.function_name') }} as name_path
    from {{ ref('fct_expenditure_by_function') }} as i
    inner join {{ ref('fct_expenditure_by_function') }} as k
        on k.report_id = i.report_id and k.scope = i.scope and k.function_code = i.parent_code
    inner join {{ ref('fct_expenditure_by_function') }} as c
        on c.report_id = k.report_id and c.scope = k.scope and c.function_code = k.parent_code
    where i.scope = 'general_budget' and i.level = 3
),

stated_items as (  -- per 项 the narrative names: its 年初预算, else its 完成年初预算的 X% and amount
    select
        report_id,
        qualifier,
        max(value) filter (where fact_key = 'general_budget_item_initial_budget') as initial_budget,
        max(value) filter (where fact_key = 'general_budget_item_completion_pct') as completion_pct,
        max(value) filter (where fact_key = 'general_budget_item_amount') as stated_final
    from stated_budget
    where qualifier is not null
    group by report_id, qualifier
),

from_final_narrative as (
    select
        f.department_id,
        v.department,
        f.year,
        'general_budget' as scope,
        coalesce(g.function_code, s.qualifier) as line,
        g.function_code,
        coalesce(g.function_name, regexp_extract(s.qualifier, '[^/]+$')) as function_name,
        coalesce(g.level, 3) as level,
        coalesce(s.initial_budget, round(coalesce(g.total, s.stated_final) / s.completion_pct * 100, 2)) as budget,
        coalesce(g.total, s.stated_final) as final,
        cast(null as varchar) as budget_report_id,
        s.report_id as final_report_id,
        case when s.initial_budget is not null then 'final_report_narrative' else 'final_report_completion_pct' end
            as basis
    from stated_items as s
    inner join final_reports as f using (report_id)
    inner join {{ ref('dim_report_version') }} as v using (report_id)
    left join general_budget_items as g
        on g.report_id = s.report_id and g.name_path = {{ normalize_class_name('s.qualifier') }}
    where s.initial_budget is not null or s.completion_pct > 0
    union all
    select
        f.department_id, v.department, f.year, 'general_budget', 'expenditure_total', null, null, null, s.value,
        t.total, null, s.report_id, 'final_report_narrative'
    from stated_budget as s
    inner join final_reports as f using (report_id)
    inner join {{ ref('dim_report_version') }} as v using (report_id)
    left join {{ ref('int_table_totals') }} as t
        on t.report_id = s.report_id and t.table_family = 'general_budget_expenditure'
    where s.fact_key = 'general_budget_initial_budget'
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
    final,
    round(final - budget, 6) as difference,
    case when budget is not null and budget <> 0 then round(final / budget * 100, 2) end as execution_pct,
    budget_report_id,
    final_report_id,
    basis
from from_budget_reports
union all
select
    department_id, department, year, scope, line, function_code, function_name, level, budget, final,
    round(final - budget, 6), case when budget is not null and budget <> 0 then round(final / budget * 100, 2) end,
    budget_report_id, final_report_id, basis
from from_final_budget_columns
union all
select
    department_id, department, year, scope, line, function_code, function_name, level, budget, final,
    round(final - budget, 6), case when budget is not null and budget <> 0 then round(final / budget * 100, 2) end,
    budget_report_id, final_report_id, basis
from from_final_narrative
