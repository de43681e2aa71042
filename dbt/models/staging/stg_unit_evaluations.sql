select
    report_id,
    unit_index,
    unit_code,
    unit_name,
    budget_income,
    budget_expenditure,
    target_text,
    achievement_text,
    total_score,
    file,
    page,
    line
from {{ source('raw', 'unit_evaluations') }}
