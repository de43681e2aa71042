select
    report_id,
    target_index,
    target_kind,
    table_title,
    target_name,
    department,
    implementing_unit,
    amount_total,
    amount_fiscal,
    amount_carryover,
    amount_other,
    amount_unit,
    goal_text,
    file,
    page,
    line
from {{ source('raw', 'budget_targets') }}
