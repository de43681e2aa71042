-- The indicators of a budget's performance-target tables (绩效目标表): one row per budget report x table x indicator
-- row, the tree 一级/二级/三级指标 and the target (指标值) as printed, with, where it is a number (≥95%, ≤50万元,
-- 20门), its comparator, value and unit (a comparator or unit printed in a column of its own, 指标性质 / 计量单位,
-- counts). An empty 一级/二级 box is NULL. The table's project and amount are in fct_budget_performance_target_table.
{{ report_mart() }}
with indicators as (
    {{ rows_of_whole_report('stg_budget_target_indicators') }}
),

targets as (
    {{ rows_of_whole_report('stg_budget_targets') }}
)

select
    {{ report_columns('r') }},
    i.target_index,
    i.indicator_index,
    t.target_kind,
    t.target_name,
    i.level1,
    i.level2,
    i.level3,
    i.target_text,
    i.comparator,
    i.target_value,
    i.target_unit,
    i.weight,
    i.file,
    i.page,
    i.line
from indicators as i
inner join targets as t on t.report_id = i.report_id and t.target_index = i.target_index
inner join {{ ref('int_reports_preferred') }} as r on r.report_id = i.report_id
where r.kind = 'budget'
  and {{ reports_to_build('r.report_id') }}
