-- Government-fund (政府性基金) and state-capital (国有资本经营) appropriation by function code, one row per
-- report x fund x function_code. Values in 万元.
{{ report_mart() }}
select
    {{ report_columns('r') }},
    f.table_family as fund,
    {{ function_row_columns(['carryover_begin', 'income', 'total', 'basic', 'project', 'carryover_end']) }}
from {{ ref('int_function_rows') }} as f
inner join {{ ref('int_reports_preferred') }} as r using (report_id)
where f.table_family in ('government_fund', 'state_capital')
  and {{ reports_to_build('r.report_id') }}
