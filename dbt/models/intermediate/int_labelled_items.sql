-- Labelled (non-coded) rows of the summary, three-public and basic-expenditure tables: one row per report x family
-- x item x side x column (the first row printed with that item), value in 万元. Built per current report
-- (macros/report_marts.sql): a view here was evaluated whole — a window over every report's labelled cells — by its
-- test on every run.
{{ report_mart() }}
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
  and report_id in (select report_id from {{ ref('int_report_fingerprints') }})
  and {{ reports_to_build('report_id') }}
qualify row_number() over (
    partition by report_id, table_family, item, coalesce(side, ''), column_name order by row_index, page, line
) = 1
