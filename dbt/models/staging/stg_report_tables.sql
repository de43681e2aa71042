select
    report_id,
    table_family,
    table_title,
    table_label,
    table_unit,
    is_empty,
    row_count,
    file,
    page,
    line
from {{ source('raw', 'report_tables') }}
