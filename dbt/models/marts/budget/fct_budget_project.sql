-- A budget's project table (项目支出预算表 / 专项业务经费支出表 / 项目支出及其他支出预算表): one row per budget report x
-- row below its 合计: the projects and the groups (units, 通用项目 / 专用项目 …) they are listed under. level and
-- group/project come from the extraction (the printed tree; a group has a deeper row right under it); group_name is
-- the nearest row above at level - 1. Σ total of the projects = the table's 合计. Funds by source where printed, 万元.
{{ report_mart() }}
with lines as (
    select *
    from {{ ref('int_budget_rows') }}
    where table_family = 'budget_project_expenditure'
      and item is distinct from 'total'
      and row_label is not null
)

select
    {{ report_columns('r') }},
    b.row_index,
    trim(b.row_label) as name,
    b.level,
    b.category = 'project' as is_project,
    (select trim(g.row_label) from lines as g
     where g.report_id = b.report_id and g.level = b.level - 1 and g.row_index < b.row_index
     order by g.row_index desc limit 1) as group_name,
    b.total,
    b.fiscal_appropriation,
    b.general_budget,
    b.government_fund,
    b.state_capital,
    b.fiscal_special_account,
    b.public_service_revenue,
    b.business_revenue,
    b.superior_subsidy,
    b.affiliated_remittance,
    b.other_revenue,
    b.carryover_begin,
    b.unit_funds,
    b.table_unit,
    b.file,
    b.page,
    b.line
from lines as b
inner join {{ ref('int_reports_preferred') }} as r using (report_id)
where {{ reports_to_build('r.report_id') }}
