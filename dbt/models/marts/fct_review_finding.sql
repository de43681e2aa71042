-- The disclosure review (审核意见): one row per finding on each preferred report (one per department-year-kind,
-- dim_report_version), in page and line order — the defect a reviewer would flag, the text quoted from the report
-- and what it should say. A narrative published apart from its tables (int_report_versions.part_of_report_id) is
-- reviewed as part of its report: its findings follow the tables file's, with their own file, page and line.
{{ report_mart() }}
with findings as (
    select
        coalesce(v.part_of_report_id, f.report_id) as report_id,
        f.*  exclude (report_id),
        v.part_of_report_id is not null as from_narrative_part
    from {{ ref('stg_review_findings') }} as f
    left join {{ ref('int_report_versions') }} as v using (report_id)
)

select
    {{ report_columns('r') }},
    r.path,
    row_number() over (
        partition by f.report_id order by f.from_narrative_part, f.file, f.finding_index
    ) - 1 as finding_index,
    f.rule,
    f.concern,
    f.rule_title,
    f.severity,
    f.quote,
    f.expected,
    f.file,
    f.page,
    f.line
from findings as f
inner join {{ ref('int_reports_preferred') }} as r using (report_id)
where {{ reports_to_build('r.report_id') }}
