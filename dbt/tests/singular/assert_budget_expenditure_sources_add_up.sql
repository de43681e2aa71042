-- Per line of a table by source of funds (fct_budget_expenditure_by_source), the counted sources add up to the
-- line's 合计, within the rounding of its parts. A report's own inconsistency: warns (the parser records the same
-- identity, with its page, in quality.reconciliation).
{{ config(severity='warn') }}
select
    report_id,
    scope,
    row_index,
    any_value(line_name) as line_name,
    any_value(line_total) as line_total,
    sum(amount) filter (where counted_in_total) as sources_sum,
    any_value(file) as file,
    any_value(page) as page
from {{ ref('fct_budget_expenditure_by_source') }}
group by report_id, scope, row_index
having any_value(line_total) is not null
   and abs(any_value(line_total) - coalesce(sum(amount) filter (where counted_in_total), 0))
       > greatest(0.05, 0.005 * count(*) filter (where counted_in_total))
