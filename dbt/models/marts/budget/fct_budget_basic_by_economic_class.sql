-- A budget's general-budget basic expenditure by economic class (一般公共预算基本支出预算表): one row per budget
-- report x economic code (类 3 digits, 款 5 digits, 7 where a budget subdivides a 款).
-- category: 'personnel' (人员经费: 301, 303) or 'public' (公用经费).
-- amount = the row's 合计 (or 金额), else 人员经费 + 公用经费 where only they are printed. 万元, NULL when blank.
{{ report_mart() }}
select
    {{ report_columns('r') }},
    b.code as economic_code,
    b.name_as_printed as economic_name,
    coalesce(b.level, {{ code_level('b.code') }}) as level,
    b.category,
    coalesce(b.amount, case when b.personnel is not null or b.public is not null
                            then coalesce(b.personnel, 0) + coalesce(b.public, 0) end) as amount,
    b.personnel,
    b.public,
    b.file,
    b.page,
    b.line
from {{ ref('int_budget_rows') }} as b
inner join {{ ref('int_reports_preferred') }} as r using (report_id)
where b.table_family = 'budget_general_basic'
  and b.code is not null
  and {{ reports_to_build('r.report_id') }}
