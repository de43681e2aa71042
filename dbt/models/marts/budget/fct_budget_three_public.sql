-- A budget's "三公" (and 会议费 / 培训费 where printed): one row per budget report x item, the year's budget and,
-- where printed, last year's budget, in 万元 (the 三公 table is in 万元 even where the other tables are in 元).
select
    {{ report_columns('r') }},
    b.item,
    b.budget,
    b.prior_year_budget,
    b.budget - b.prior_year_budget as change_from_prior_year,
    b.file,
    b.page,
    b.line
from {{ ref('int_budget_rows') }} as b
inner join {{ ref('int_reports_preferred') }} as r using (report_id)
where b.table_family = 'budget_three_public'
  and b.item in ('total', 'overseas_travel', 'reception', 'vehicle_total', 'vehicle_purchase', 'vehicle_operation',
                 'meeting', 'training')
qualify row_number() over (partition by b.report_id, b.item order by b.row_index) = 1
