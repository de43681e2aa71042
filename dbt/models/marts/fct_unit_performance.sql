-- 部门(单位)整体绩效自评: one row per report x evaluated unit, with its task totals. Amounts in 万元.
{{ report_mart() }}
with tasks as (
    select
        report_id,
        unit_index,
        count(*) as task_count,
        sum(allocated) as tasks_allocated,
        sum(executed) as tasks_executed
    from {{ ref('stg_unit_tasks') }}
    group by all
)

select
    {{ report_columns('r') }},
    u.unit_index,
    u.unit_code,
    u.unit_name,
    u.budget_income,
    u.budget_expenditure,
    u.target_text,
    u.achievement_text,
    u.total_score,
    coalesce(t.task_count, 0) as task_count,
    t.tasks_allocated,
    t.tasks_executed,
    u.file,
    u.page,
    u.line
from {{ ref('stg_unit_evaluations') }} as u
inner join {{ ref('int_reports_preferred') }} as r using (report_id)
left join tasks as t using (report_id, unit_index)
where {{ reports_to_build('r.report_id') }}
