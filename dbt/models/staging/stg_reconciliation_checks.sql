select
    report_id,
    check_name,
    category,
    expected,
    actual,
    difference,
    tolerance,
    status,
    detail,
    file,
    page,
    line
from {{ source('raw', 'reconciliation_checks') }}
