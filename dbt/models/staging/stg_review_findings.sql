select
    report_id,
    finding_index,
    rule,
    concern,
    rule_title,
    severity,
    quote,
    expected,
    file,
    page,
    line
from {{ source('raw', 'review_findings') }}
