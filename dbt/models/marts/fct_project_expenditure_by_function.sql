-- Project spending by function code from the supplementary project tables some sets print beyond the standard nine
-- (一般公共预算财政拨款项目支出决算表 / 项目支出决算明细表, 项目收入支出决算表), one row per report x table x
-- function_code. Values in 万元, NULL when blank or not printed by the table.
{{ report_mart() }}
select
    {{ report_columns('r') }},
    f.table_family as source_table,
    {{ function_row_columns(['carryover_begin', 'income', 'total', 'basic', 'project', 'carryover_end']) }}
from {{ ref('int_function_rows') }} as f
inner join {{ ref('int_reports_preferred') }} as r using (report_id)
where f.table_family in ('project_expenditure', 'project_income_expenditure')
  and {{ reports_to_build('r.report_id') }}
