-- Labelled (non-coded) rows of the summary, three-public and basic-expenditure tables: one row per report x family
-- x item x side x column (the first row printed with that item), value in 万元.
select
    report_id,
    table_family,
    item,
    coalesce(side, '') as side,
    column_name,
    value,
    cell_status,
    file,
    page,
    line
from {{ ref('stg_table_cells') }}
where item is not null
  and table_family in ('income_expenditure_summary', 'three_public', 'general_budget_basic_expenditure', 'appropriation_summary')
qualify row_number() over (
    partition by report_id, table_family, item, coalesce(side, ''), column_name order by row_index, page, line
) = 1
