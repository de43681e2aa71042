-- Every parse issue of every current loaded report (error / warning / info). Built per report
-- (macros/report_marts.sql): an incremental run builds the changed reports' rows only.
{{ report_mart() }}
select
    {{ report_columns('r') }},
    i.severity,
    i.issue_kind,
    i.message,
    i.file,
    i.page,
    i.line
from {{ ref('stg_parse_issues') }} as i
inner join {{ ref('int_reports_current') }} as r using (report_id)
where {{ reports_to_build('r.report_id') }}
