select
    report_id,
    severity,
    issue_kind,
    message,
    file,
    page,
    line
from {{ source('raw', 'parse_issues') }}
