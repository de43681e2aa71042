-- The disclosure review (审核意见): one row per finding on each preferred report (one per department-year-kind,
-- dim_report_version), in page and line order — the defect a reviewer would flag, the text quoted from the report
-- and what it should say.
{{ report_mart() }}
select
    {{ report_columns('r') }},
    r.path,
    f.finding_index,
    f.rule,
    f.concern,
    f.rule_title,
    f.severity,
    f.quote,
    f.expected,
    f.file,
    f.page,
    f.line
from {{ ref('stg_review_findings') }} as f
inner join {{ ref('int_reports_preferred') }} as r using (report_id)
where {{ reports_to_build('r.report_id') }}
