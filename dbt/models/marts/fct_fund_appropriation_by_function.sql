-- Government-fund (政府性基金) and state-capital (国有资本经营) appropriation by function code, one row per
-- report x fund x function_code. Values in 万元.
{{ report_mart() }}
select
    {{ report_columns('r') }},
    f.table_family as fund,
    f.code as function_code,
    f.name_as_printed as function_name,
    f.level,
    f.parent_code,
    f.carryover_begin,
    f.income,
    f.total,
    f.basic,
    f.project,
    f.carryover_end,
    f.ambiguous_cells,
    f.file,
    f.page,
    f.line
from {{ ref('int_function_rows') }} as f
inner join {{ ref('int_reports_preferred') }} as r using (report_id)
where f.table_family in ('government_fund', 'state_capital')
  and {{ reports_to_build('r.report_id') }}
