select
    report_id,
    target_index,
    indicator_index,
    level1,
    level2,
    level3,
    target_text,
    comparator,
    target_value,
    target_unit,
    weight,
    file,
    page,
    line
from {{ source('raw', 'budget_target_indicators') }}
