-- A budget's performance-target tables (绩效目标表): one row per budget report x table, a project's
-- (项目支出绩效目标表, target_kind 'project') or the department's whole (部门整体绩效目标表, 'unit'): its name, 主管部门,
-- 实施单位, 资金总额 with 财政拨款 / 其他资金 (万元; amount_unit is the unit printed), the annual goal (年度目标) and how
-- many indicator rows it prints. A table printed in a budget's narrative file published apart from its tables
-- belongs to that report (int_report_versions.part_of_report_id).
{{ report_mart() }}
with targets as (
    {{ rows_of_whole_report('stg_budget_targets') }}
),

indicators as (
    select report_id, target_index, count(*) as indicator_count
    from ({{ rows_of_whole_report('stg_budget_target_indicators') }})
    group by report_id, target_index
)

select
    {{ report_columns('r') }},
    t.target_index,
    t.target_kind,
    t.table_title,
    t.target_name,
    t.department as supervising_department,
    t.implementing_unit,
    t.amount_total,
    t.amount_fiscal,
    t.amount_carryover,
    t.amount_other,
    t.amount_unit,
    t.goal_text,
    t.weight_total,
    coalesce(i.indicator_count, 0) as indicator_count,
    t.file,
    t.page,
    t.line
from targets as t
inner join {{ ref('int_reports_preferred') }} as r using (report_id)
left join indicators as i on i.report_id = t.report_id and i.target_index = t.target_index
where r.kind = 'budget'
  and {{ reports_to_build('r.report_id') }}
