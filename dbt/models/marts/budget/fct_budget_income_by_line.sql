-- A budget's income by source, line by line (收入预算总表 / 收入总体情况表): one row per budget report x line x
-- source with a printed amount. A line is the table's 合计 ('total'), a function code ('function': 类/款/项, codes
-- of 支出功能分类 start with 2) or a unit ('unit': a row without a code that prints at least one source — a line
-- printing only its 合计 says nothing of its sources and is left out). A unit line's level is its depth where the
-- table prints the department over its units (杭州: 1 the department, 2 its units). 万元 (元 converted), NULL when blank.
{{ report_mart() }}
with lines as (
    select
        *,
        case when item = 'total' then 'total'
             when code like '2%' and length(code) in (3, 5, 7) then 'function'
             when code is null then 'unit' end as line_kind
    from {{ ref('int_budget_rows') }}
    where table_family = 'budget_income'
),

sources as (
    select l.*, u.source, u.amount as source_amount
    from lines as l
    cross join lateral (values
        {%- for source in budget_sources() %}
        ('{{ source }}', l.{{ source }}){{ ',' if not loop.last }}
        {%- endfor %}
    ) as u(source, amount)
    where l.line_kind is not null
)

select
    {{ report_columns('r') }},
    s.row_index,
    s.line_kind,
    case when s.line_kind = 'function' then s.code end as function_code,
    case s.line_kind when 'function' then {{ code_level('s.code') }} when 'unit' then s.level end as level,
    case when s.line_kind = 'function' then s.name_as_printed else trim(s.row_label) end as line_name,
    s.source,
    s.source_amount as amount,
    s.total as line_total,
    s.table_unit,
    s.file,
    s.page,
    s.line
from sources as s
inner join {{ ref('int_reports_preferred') }} as r using (report_id)
where s.source_amount is not null
  and {{ reports_to_build('r.report_id') }}
