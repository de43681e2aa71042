-- Expenditure by function code (all levels 类/款/项), one row per report x scope x function_code.
-- scope 'all_funds' = 支出决算表 (family expenditure); 'general_budget' = 一般公共预算财政拨款支出决算表.
-- The 合计 row has no code and is not here (see fct_report_summary). Values in 万元, NULL when blank.
{{ report_mart() }}
select
    {{ report_columns('r') }},
    case f.table_family when 'expenditure' then 'all_funds' else 'general_budget' end as scope,
    {{ function_row_columns(['total', 'basic', 'project', 'remittance_to_superior', 'business',
                             'subsidy_to_affiliates']) }}
from {{ ref('int_function_rows') }} as f
inner join {{ ref('int_reports_preferred') }} as r using (report_id)
where f.table_family in ('expenditure', 'general_budget_expenditure')
  and {{ reports_to_build('r.report_id') }}
