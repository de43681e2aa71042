-- Appropriation spending by economic code from the supplementary tables some sets print beyond the standard nine:
-- 财政拨款支出决算明细表 (scope 'appropriation'), 一般公共预算财政拨款支出决算明细表 ('general_budget'),
-- 机关运行经费支出决算表 ('agency_operating_cost') and a project table printed by economic class ('project').
-- One row per report x scope x economic_code (类 and 款); the first row printed with the code. Values in 万元.
{{ report_mart() }}
{%- set scopes = [('appropriation_economic_detail', 'appropriation'), ('general_budget_economic_detail', 'general_budget'),
                  ('agency_operating_cost', 'agency_operating_cost'), ('project_expenditure', 'project'),
                  ('project_income_expenditure', 'project')] %}
with cells as (
    select
        *,
        case table_family {% for family, scope in scopes %}when '{{ family }}' then '{{ scope }}' {% endfor %}end as scope
    from {{ ref('stg_table_cells') }}
    where table_family in ({% for family, _ in scopes %}'{{ family }}'{{ ", " if not loop.last }}{% endfor %})
      and code like '3%'
      and {{ reports_to_build('report_id') }}
),

first_row as (
    select report_id, scope, code, min(row_index) as row_index
    from cells
    group by all
),

wide as (
    select
        c.report_id,
        c.scope,
        c.code,
        coalesce(min(c.level), case length(c.code) when 3 then 1 when 5 then 2 end) as level,
        coalesce(min(c.parent_code), case when length(c.code) = 5 then left(c.code, 3) end) as parent_code,
        {{ strip_code('min(c.row_label)') }} as economic_name,
        max(c.value) filter (where c.column_name = 'total') as total,
        max(c.value) filter (where c.column_name = 'basic') as basic,
        max(c.value) filter (where c.column_name = 'project') as project,
        max(c.value) filter (where c.column_name = 'amount') as amount,
        count(*) filter (where c.cell_status = 'ambiguous') as ambiguous_cells,
        min(c.file) as file,
        min(c.page) as page,
        min(c.line) as line
    from cells as c
    inner join first_row as f using (report_id, scope, code, row_index)
    group by c.report_id, c.scope, c.code
)

select
    {{ report_columns('r') }},
    w.scope,
    w.code as economic_code,
    w.economic_name,
    w.level,
    w.parent_code,
    w.total,
    w.basic,
    w.project,
    w.amount,
    w.ambiguous_cells,
    w.file,
    w.page,
    w.line
from wide as w
inner join {{ ref('int_reports_preferred') }} as r using (report_id)
