-- 项目(政策)绩效自评: one row per report x project. Amounts in 万元, rates and scores in % / points (0-100).
{{ report_mart() }}
with indicators as (
    select report_id, evaluation_index as project_index, count(*) as indicator_count, sum(weight) as indicator_weight
    from {{ ref('stg_performance_indicators') }}
    where evaluation_kind = 'project'
    group by all
)

select
    {{ report_columns('r') }},
    p.project_index,
    p.project_name,
    p.department_as_printed as project_department_as_printed,
    p.implementing_unit,
    p.budget,
    p.actual,
    p.execution_rate_pct,
    p.indicator_score,
    p.execution_score,
    p.deduction,
    p.total_score,
    p.target_text,
    p.achievement_text,
    coalesce(i.indicator_count, 0) as indicator_count,
    i.indicator_weight,
    p.file,
    p.page,
    p.line
from {{ ref('stg_performance_projects') }} as p
inner join {{ ref('int_reports_preferred') }} as r using (report_id)
left join indicators as i using (report_id, project_index)
where {{ reports_to_build('r.report_id') }}
