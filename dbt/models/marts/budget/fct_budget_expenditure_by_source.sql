-- A budget's expenditure by source of funds (资金来源), the tables that print the sources as columns beside (or
-- instead of) the uses: one row per budget report x table (scope) x line x source printed. scope 'all_funds' = 支出总表
-- (西安 表3, per unit), 'basic' = 基本支出总表 (深圳 表4, 广州, by economic class), 'project' = 项目支出总表 (深圳 表5,
-- 广州, 杭州, 烟台: per project). A line is the table's 合计 ('total'), a function code ('function': 类/款/项), an economic
-- code ('economic') or a named row without code ('line': a unit, a project, an economic class printed by name). Sources
-- are named as in fct_budget_income_by_source (macro budget_sources); 万元 (元 converted), NULL when printed blank.
{{ report_mart() }}
with cells as (
    select
        *,
        case table_family
            when 'budget_expenditure' then 'all_funds'
            when 'budget_basic' then 'basic'
            else 'project'
        end as scope
    from {{ ref('stg_table_cells') }}
    where table_family in ('budget_expenditure', 'budget_basic', 'budget_project_expenditure')
),

lines as (
    select
        report_id,
        scope,
        row_index,
        min(item) as item,
        min(code) as code,
        min(level) as level,
        min(row_label) as row_label,
        max(value) filter (where column_name in ('total', 'amount')) as line_total,
        bool_or(column_name = 'fiscal_appropriation' and value is not null) as has_appropriation
    from cells
    group by report_id, scope, row_index
),

sources as (
    select
        c.report_id,
        c.scope,
        c.row_index,
        case
            when l.item = 'total' then 'total'
            when c.scope = 'all_funds' and l.code like '2%' and length(l.code) in (3, 5, 7) then 'function'
            when c.scope = 'basic' and l.code is not null then 'economic'
            else 'line'
        end as line_kind,
        l.code,
        l.level,
        l.row_label,
        c.column_name as source,
        c.value as amount,
        {{ source_counted('c.column_name', 'l.has_appropriation') }} as counted_in_total,
        l.line_total,
        c.table_unit,
        c.file,
        c.page,
        c.line
    from cells as c
    inner join lines as l using (report_id, scope, row_index)
    where c.column_name in ({{ "'" ~ budget_sources() | join("', '") ~ "'" }})
)

select
    {{ report_columns('r') }},
    s.scope,
    s.row_index,
    s.line_kind,
    case when s.line_kind = 'function' then s.code end as function_code,
    case when s.line_kind = 'economic' then s.code end as economic_code,
    case when s.line_kind = 'function' then {{ code_level('s.code') }} else s.level end as level,
    case when s.line_kind in ('function', 'economic') then {{ strip_code('s.row_label') }} else trim(s.row_label) end
        as line_name,
    s.source,
    s.amount,
    s.counted_in_total,
    s.line_total,
    s.table_unit,
    s.file,
    s.page,
    s.line
from sources as s
inner join {{ ref('int_reports_preferred') }} as r using (report_id)
where {{ reports_to_build('r.report_id') }}
