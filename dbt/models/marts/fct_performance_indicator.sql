-- Every indicator row of the project and unit self-evaluation tables (绩效指标). Targets and actuals as printed.
{{ report_mart() }}
with evaluated as (
    select report_id, 'project' as evaluation_kind, project_index as evaluation_index, project_name as evaluated_name
    from {{ ref('stg_performance_projects') }}
    union all
    select report_id, 'unit', unit_index, unit_name
    from {{ ref('stg_unit_evaluations') }}
)

select
    {{ report_columns('r') }},
    i.evaluation_kind,
    i.evaluation_index,
    e.evaluated_name,
    i.indicator_index,
    i.level1,
    i.level2,
    i.level3,
    i.operator,
    i.target,
    i.unit,
    i.actual,
    i.completion,
    i.weight,
    i.score,
    i.deviation_reason,
    i.file,
    i.page,
    i.line
from {{ ref('stg_performance_indicators') }} as i
inner join {{ ref('int_reports_preferred') }} as r using (report_id)
left join evaluated as e using (report_id, evaluation_kind, evaluation_index)
where {{ reports_to_build('r.report_id') }}
