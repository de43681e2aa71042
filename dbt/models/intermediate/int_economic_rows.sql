-- Rows of the basic-expenditure table (一般公共预算财政拨款基本支出决算表) by economic code: one row per report x
-- economic code, amount in 万元. category comes from the panel the row was printed in (人员经费 / 公用经费).
-- Built per current report (macros/report_marts.sql): a view here was evaluated whole by its test on every run.
{{ report_mart() }}
with cells as (
    select *
    from {{ ref('stg_table_cells') }}
    where table_family = 'general_budget_basic_expenditure'
      and code is not null
      and column_name = 'amount'
      and report_id in (select report_id from {{ ref('int_report_fingerprints') }})
      and {{ reports_to_build('report_id') }}
)

select
    report_id,
    code,
    coalesce(level, case length(code) when 3 then 1 when 5 then 2 end) as level,
    coalesce(parent_code, case when length(code) = 5 then left(code, 3) end) as parent_code,
    category,
    {{ strip_code('row_label') }} as name_as_printed,
    value as amount,
    cell_status,
    file,
    page,
    line
from cells
qualify row_number() over (partition by report_id, code order by row_index, page, line) = 1
