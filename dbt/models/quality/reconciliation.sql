-- Every reconciliation (identity) check the loader ran on every current loaded report: pass / fail / not_run.
-- A fail is the report's own inconsistency (or a parse error); the number is never "fixed".
select
    {{ report_columns('r') }},
    c.check_name,
    c.category,
    c.expected,
    c.actual,
    c.difference,
    c.tolerance,
    c.status,
    c.detail,
    c.file,
    c.page,
    c.line
from {{ ref('stg_reconciliation_checks') }} as c
inner join {{ ref('int_reports_current') }} as r using (report_id)
