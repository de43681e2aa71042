-- The main tasks (年度主要任务) of a budget's 部门整体 performance-target table (部门整体支出绩效目标表): one row per
-- budget report x table x task, its name and its budget (预算金额 总额 / 财政拨款 / 其他资金, 万元). The tasks add up to
-- the table's 金额合计 (fct_budget_performance_target_table.amount_total; check targets.tasks.<name>).
{{ report_mart() }}
with tasks as (
    {{ rows_of_whole_report('stg_budget_target_tasks') }}
),

targets as (
    {{ rows_of_whole_report('stg_budget_targets') }}
)

select
    {{ report_columns('r') }},
    k.target_index,
    k.task_index,
    t.target_name,
    k.task_name,
    k.amount_total,
    k.amount_fiscal,
    k.amount_other,
    k.file,
    k.page,
    k.line
from tasks as k
inner join targets as t on t.report_id = k.report_id and t.target_index = k.target_index
inner join {{ ref('int_reports_preferred') }} as r on r.report_id = k.report_id
where r.kind = 'budget'
  and {{ reports_to_build('r.report_id') }}
