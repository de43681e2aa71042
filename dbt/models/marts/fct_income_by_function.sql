-- Income by function code and source (收入决算表), one row per report x function_code. Values in 万元.
{{ report_mart() }}
select
    {{ report_columns('r') }},
    f.code as function_code,
    f.name_as_printed as function_name,
    f.level,
    f.parent_code,
    f.total,
    f.fiscal_appropriation,
    f.superior_subsidy,
    f.public_service_revenue,
    f.business_revenue,
    f.affiliated_remittance,
    f.other_revenue,
    f.ambiguous_cells,
    f.file,
    f.page,
    f.line
from {{ ref('int_function_rows') }} as f
inner join {{ ref('int_reports_preferred') }} as r using (report_id)
where f.table_family = 'income'
  and {{ reports_to_build('r.report_id') }}
