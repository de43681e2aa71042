select
    report_id,
    unit_index,
    unit_name
from {{ source('raw', 'units_in_scope') }}
