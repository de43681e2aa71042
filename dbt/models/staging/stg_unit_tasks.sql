select
    report_id,
    unit_index,
    task_index,
    task_name,
    allocated,
    executed,
    execution_rate_pct,
    weight,
    score,
    file,
    page,
    line
from {{ source('raw', 'unit_tasks') }}
