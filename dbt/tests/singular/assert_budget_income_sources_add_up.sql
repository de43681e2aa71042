-- A budget's counted sources of funds add up to the income total they were read beside (fct_budget_income_by_source:
-- the 收入总表's 合计, else the 收支总表's 本年收入合计), within the rounding of its parts. A report's own
-- inconsistency: warns (the parser records the same identity, with its page, in quality.reconciliation).
{{ config(severity='warn') }}
select
    report_id,
    any_value(basis) as basis,
    any_value(income_total) as income_total,
    sum(amount) filter (where counted_in_total) as sources_sum,
    any_value(file) as file,
    any_value(page) as page
from {{ ref('fct_budget_income_by_source') }}
group by report_id
having any_value(income_total) is not null
   and abs(any_value(income_total) - coalesce(sum(amount) filter (where counted_in_total), 0))
       > greatest(0.05, 0.005 * count(*) filter (where counted_in_total))
