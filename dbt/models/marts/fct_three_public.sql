-- 财政拨款"三公"经费: one row per report x item, budget (预算数) and actual (决算数) in 万元; 会议费 and 培训费 where
-- the table prints them (not parts of the 三公 total).
{{ report_mart() }}
with items as (
    select
        report_id,
        item,
        max(value) filter (where column_name = 'budget') as budget,
        max(value) filter (where column_name = 'actual') as actual,
        min(file) as file,
        min(page) as page,
        min(line) as line
    from {{ ref('int_labelled_items') }}
    where table_family = 'three_public'
      and item in ('total', 'overseas_travel', 'reception', 'vehicle_total', 'vehicle_purchase', 'vehicle_operation',
                   'meeting', 'training')
    group by report_id, item
)

select
    {{ report_columns('r') }},
    i.item,
    i.budget,
    i.actual,
    case when i.budget is not null and i.budget <> 0 then round(i.actual / i.budget * 100, 2) end as completion_pct,
    i.file,
    i.page,
    i.line
from items as i
inner join {{ ref('int_reports_preferred') }} as r using (report_id)
where {{ reports_to_build('r.report_id') }}
