-- Function-coded table rows pivoted to wide (the supplementary project tables' rows too, where their codes are
-- function codes: 2xx; a project table printed by economic class goes to fct_expenditure_by_economic_class): one row
-- per current report x family x function code. A code printed twice in one table (a continuation page repeating a
-- row) keeps its first row. Values in 万元, NULL when blank or ambiguous. Built per report (macros/report_marts.sql):
-- a +1 pivots the new report's cells once, where a view was pivoted again for each of the four function marts and
-- over every report for its test. `cells` is not materialized (DuckDB would materialize a CTE read twice): inlined,
-- the one-report filter reaches the raw scan.
{{ report_mart() }}
with cells as not materialized (
    select *
    from {{ ref('stg_table_cells') }}
    where (table_family in ('income', 'expenditure', 'general_budget_expenditure', 'government_fund', 'state_capital')
           or table_family in ('project_expenditure', 'project_income_expenditure') and code like '2%')
      and code is not null
      and report_id in (select report_id from {{ ref('int_report_fingerprints') }})
      and {{ reports_to_build('report_id') }}
),

first_row as (
    select report_id, table_family, code, min(row_index) as row_index
    from cells
    group by all
)

select
    c.report_id,
    c.table_family,
    c.code,
    coalesce(min(c.level), {{ code_level('c.code') }}) as level,
    coalesce(min(c.parent_code), {{ code_parent('c.code') }}) as parent_code,
    {{ strip_code('min(c.row_label)') }} as name_as_printed,
    min(c.table_unit) as table_unit,
    {%- for col in function_value_columns() %}
    max(c.value) filter (where c.column_name = '{{ col }}') as {{ col }},
    {%- endfor %}
    count(*) filter (where c.cell_status = 'ambiguous') as ambiguous_cells,
    min(c.file) as file,
    min(c.page) as page,
    min(c.line) as line
from cells as c
inner join first_row as f using (report_id, table_family, code, row_index)
group by c.report_id, c.table_family, c.code
