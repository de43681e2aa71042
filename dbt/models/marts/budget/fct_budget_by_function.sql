-- Budget (部门预算) by function code (类/款/项), one row per budget report x scope x function_code.
-- scope 'all_funds' = 支出预算总表, 'general_budget' = 一般公共预算支出(功能分类)预算表, 'gov_fund' = 政府性基金预算支出表,
-- 'state_capital' = 国有资本经营预算支出表, 'general_basic' = 一般公共预算基本支出表（按功能分类）: basic expenditure
-- only, split into 人员经费 / 公用经费. The 合计 row has no code and is not here. Values in 万元, NULL when blank.
{{ report_mart() }}
select
    {{ report_columns('r') }},
    case b.table_family
        when 'budget_expenditure' then 'all_funds'
        when 'budget_general_expenditure' then 'general_budget'
        when 'budget_government_fund' then 'gov_fund'
        when 'budget_general_basic_function' then 'general_basic'
        else 'state_capital'
    end as scope,
    b.code as function_code,
    b.name_as_printed as function_name,
    coalesce(b.level, {{ code_level('b.code') }}) as level,
    b.total,
    b.basic,
    b.project,
    b.personnel,
    b.public,
    b.table_unit,
    b.file,
    b.page,
    b.line
from {{ ref('int_budget_rows') }} as b
inner join {{ ref('int_reports_preferred') }} as r using (report_id)
where b.table_family in ('budget_expenditure', 'budget_general_expenditure', 'budget_government_fund',
                         'budget_state_capital', 'budget_general_basic_function')
  and b.code is not null
  and {{ reports_to_build('r.report_id') }}
