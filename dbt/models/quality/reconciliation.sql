-- Every reconciliation (identity) check the loader ran on every current loaded report: pass / fail / not_run.
-- A fail is the report's own inconsistency (or a parse error); the number is never "fixed".
-- The loader checks a narrative against the tables of its own file; a narrative published apart from its tables
-- (int_report_versions.part_of_report_id) is checked here against its report's tables: its 三公, 机关运行经费 and
-- 政府采购 budgets against the figures fct_budget_summary reads from the tables (tolerance 0.02, 尾差).
-- Built per report (macros/report_marts.sql): an incremental run builds the changed reports' rows only.
{{ report_mart() }}
{%- set building = changed_reports() %}
with loader_checks as (
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
    where {{ report_in(building, 'r.report_id') }}
),

printed as (
    select report_id, fact_key, value
    from {{ ref('fct_budget_summary') }}
    unpivot (value for fact_key in (
        three_public_budget, agency_operating_cost_budget, procurement_budget
    ))
    where {{ report_in(building, 'report_id') }}
      and ((fact_key = 'three_public_budget' and three_public_budget_source = 'table')
       or (fact_key = 'agency_operating_cost_budget' and agency_operating_cost_budget_source = 'table')
       or (fact_key = 'procurement_budget' and procurement_budget_source = 'table'))
),

narrative_part_checks as (
    select {{ report_columns('r') }}, c.* exclude (report_id)
    from ({{ narrative_part_checks('printed') }}) as c
    inner join {{ ref('int_reports_current') }} as r using (report_id)
    where {{ report_in(building, 'r.report_id') }}
)

select * from loader_checks
union all
select * from narrative_part_checks
