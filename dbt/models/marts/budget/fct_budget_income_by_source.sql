-- A budget's income by source (收入 side of 收支预算总表): one row per budget report x source, in 万元.
-- Sources: fiscal_appropriation (财政拨款) and its parts general_budget / government_fund / state_capital
-- _appropriation, fiscal_special_account (财政专户), public_service_revenue (事业收入), business_revenue (经营收入),
-- superior_subsidy, affiliated_remittance, other_revenue, carryover_begin (上年结转). A source printed blank is NULL.
{{ report_mart() }}
select
    {{ report_columns('r') }},
    b.item as source,
    coalesce(b.amount, b.total) as amount,
    b.name_as_printed as source_as_printed,
    b.file,
    b.page,
    b.line
from {{ ref('int_budget_rows') }} as b
inner join {{ ref('int_reports_preferred') }} as r using (report_id)
where b.table_family = 'budget_summary'
  and b.side = 'income'
  and b.item in ('fiscal_appropriation', 'general_budget_appropriation', 'government_fund_appropriation',
                 'state_capital_appropriation', 'fiscal_special_account', 'public_service_revenue', 'business_revenue',
                 'superior_subsidy', 'affiliated_remittance', 'other_revenue', 'carryover_begin')
  and {{ reports_to_build('r.report_id') }}
qualify row_number() over (partition by b.report_id, b.item order by b.row_index) = 1
