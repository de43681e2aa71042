-- The rows of a budget's (部门预算) tables, one row per report x family x row: its code or item, side and the cells
-- pivoted to the budget columns. Values in 万元 (a table printed in 元 is converted by the loader), NULL when blank
-- or ambiguous. A code printed twice in one table (a repeated row) keeps its first row (not in a 政府采购 table).
with cells as (
    select *
    from {{ ref('stg_table_cells') }}
    where table_family like 'budget\_%' escape '\'
),

rows as (
    select
        report_id,
        table_family,
        row_index,
        min(code) as code,
        min(level) as level,
        min(item) as item,
        min(side) as side,
        min(category) as category,
        {{ strip_code('min(row_label)') }} as name_as_printed,
        min(row_label) as row_label,
        min(table_unit) as table_unit,
        {%- for col in budget_value_columns() %}
        max(value) filter (where column_name = '{{ col }}') as {{ col }},
        {%- endfor %}
        min(file) as file,
        min(page) as page,
        min(line) as line
    from cells
    group by report_id, table_family, row_index
)

select *
from rows
qualify code is null
    or table_family = 'budget_procurement'  -- items to buy, several under one function code (西安 表12)
    or row_number() over (partition by report_id, table_family, code order by row_index) = 1
