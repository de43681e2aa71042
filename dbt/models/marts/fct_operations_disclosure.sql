-- The labelled supplementary tables some sets print beyond the standard nine: "三公"经费、机关运行经费情况表 and
-- 机构运行经费支出、国有资产占用情况及政府采购支出信息表 (or 国有资产占用 / 政府采购 tables of their own). One row
-- per report x source_table x item x column (the first row printed with that item); a heading row that prints no
-- amount (二、国有资产占用情况) is kept with a NULL value. Amounts in 万元; vehicles and equipment are counts.
{{ report_mart() }}
select
    {{ report_columns('r') }},
    c.table_family as source_table,
    c.item,
    {{ strip_code('c.row_label') }} as label_as_printed,
    c.column_name,
    c.value,
    case when c.item in ('vehicles', 'equipment_over_1m') then 'count' else '万元' end as unit,
    c.cell_status,
    c.file,
    c.page,
    c.line
from {{ ref('stg_table_cells') }} as c
inner join {{ ref('int_reports_preferred') }} as r using (report_id)
where c.table_family in ('three_public_operating', 'operations_assets_procurement')
  and c.item is not null
  and {{ reports_to_build('r.report_id') }}
qualify row_number() over (
    partition by c.report_id, c.table_family, c.item, c.column_name order by c.row_index, c.page, c.line
) = 1
