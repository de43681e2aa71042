-- A budget's general-public-budget expenditure by economic class beyond the basic table: one row per budget report x
-- scope x economic code. scope 'general_project' = 一般公共预算项目支出表（按经济分类）, 'general_budget' =
-- 一般公共预算支出经济分类表 (basic and project together, with the split where printed; basic = 人员经费 + 公用经费
-- where only they are printed). 万元, NULL when blank.
-- (Basic expenditure alone is fct_budget_basic_by_economic_class.)
{{ report_mart() }}
select
    {{ report_columns('r') }},
    case b.table_family when 'budget_general_project' then 'general_project' else 'general_budget' end as scope,
    b.code as economic_code,
    b.name_as_printed as economic_name,
    coalesce(b.level, {{ code_level('b.code') }}) as level,
    coalesce(b.amount, b.total) as amount,
    coalesce(b.basic, case when b.personnel is not null or b.public is not null
                           then coalesce(b.personnel, 0) + coalesce(b.public, 0) end) as basic,
    b.personnel,
    b.public,
    b.project,
    b.table_unit,
    b.file,
    b.page,
    b.line
from {{ ref('int_budget_rows') }} as b
inner join {{ ref('int_reports_preferred') }} as r using (report_id)
where b.table_family in ('budget_general_project', 'budget_general_economic')
  and b.code is not null
  and {{ reports_to_build('r.report_id') }}
