select
    report_id,
    target_index,
    task_index,
    task_name,
    amount_total,
    amount_fiscal,
    amount_other,
    file,
    page,
    line
from {{ source('raw', 'budget_target_tasks') }}
