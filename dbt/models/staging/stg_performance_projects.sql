select
    report_id,
    project_index,
    project_name,
    department as department_as_printed,
    implementing_unit,
    budget,
    actual,
    execution_rate_pct,
    target_text,
    achievement_text,
    indicator_subtotal as indicator_score,
    execution_score,
    deduction,
    total_score,
    file,
    page,
    line
from {{ source('raw', 'performance_projects') }}
