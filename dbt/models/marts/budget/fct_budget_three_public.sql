-- A budget's "三公" (and 会议费 / 培训费, and 行政经费 where the table prints them): one row per budget report x
-- item, the year's budget and last year's budget, in 万元 (the 三公 table is in 万元 even where the other tables
-- are in 元). Last year's budget is the table's where it prints one, else (the 合计 only) the narrative's: this
-- year's budget minus the change it states ('比2023年预算增加25万元', narrative fact three_public_budget, basis
-- 'derived'). A table printing one row per unit under its 合计 (西安 表13: 合计, 121 西安市信访局, 121001 …) gives
-- each unit's rows too, unit = the unit as printed ('121001 西安市信访局'); the report's own rows (the 合计) have no unit.
{{ report_mart() }}
with stated_prior as (
    select report_id, 'total' as item, max(value) as prior_year_budget
    from {{ ref('int_report_narrative_facts') }}
    where fact_key = 'three_public_budget' and basis = 'derived'
    group by report_id
)

select
    {{ report_columns('r') }},
    case when b.level is not null then b.row_label end as unit,
    b.item,
    b.budget,
    coalesce(b.prior_year_budget, p.prior_year_budget) as prior_year_budget,
    b.budget - coalesce(b.prior_year_budget, p.prior_year_budget) as change_from_prior_year,
    case when b.prior_year_budget is not null then 'table' when p.prior_year_budget is not null then 'narrative' end
        as prior_year_budget_source,
    b.file,
    b.page,
    b.line
from {{ ref('int_budget_rows') }} as b
inner join {{ ref('int_reports_preferred') }} as r using (report_id)
left join stated_prior as p on p.report_id = b.report_id and p.item = b.item and b.level is null
where b.table_family = 'budget_three_public'
  and b.item in ('total', 'overseas_travel', 'reception', 'vehicle_total', 'vehicle_purchase', 'vehicle_operation',
                 'meeting', 'training', 'administrative_cost')
  and {{ reports_to_build('r.report_id') }}
qualify row_number() over (partition by b.report_id, case when b.level is not null then b.row_label end, b.item
                           order by b.row_index) = 1
