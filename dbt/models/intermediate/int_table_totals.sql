-- The 合计 (total) row of each function-coded table, pivoted to wide: one row per report x family. Built per current
-- report (macros/report_marts.sql): a view here was evaluated whole by its test and by fct_budget_vs_final on every run.
{{ report_mart() }}
with cells as (
    select *
    from {{ ref('stg_table_cells') }}
    where table_family in ('income', 'expenditure', 'general_budget_expenditure', 'government_fund', 'state_capital')
      and code is null
      and (item = 'total' or regexp_matches(coalesce(row_label, ''), '^\s*合\s*计'))
      and report_id in (select report_id from {{ ref('int_report_fingerprints') }})
      and {{ reports_to_build('report_id') }}
),

first_row as (
    select report_id, table_family, min(row_index) as row_index
    from cells
    group by all
)

select
    c.report_id,
    c.table_family,
    {%- for col in function_value_columns() %}
    max(c.value) filter (where c.column_name = '{{ col }}') as {{ col }},
    {%- endfor %}
    min(c.file) as file,
    min(c.page) as page,
    min(c.line) as line
from cells as c
inner join first_row as f using (report_id, table_family, row_index)
group by c.report_id, c.table_family
