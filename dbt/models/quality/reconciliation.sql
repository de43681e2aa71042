-- Every reconciliation (identity) check the loader ran on every current loaded report: pass / fail / not_run.
-- A fail is the report's own inconsistency (or a parse error); the number is never "fixed".
-- The loader checks a narrative against the tables of its own file; a narrative published apart from its tables
-- (int_report_versions.part_of_report_id) is checked here against its report's tables: its 三公, 机关运行经费 and
-- 政府采购 budgets against the figures fct_budget_summary reads from the tables (tolerance 0.02, 尾差).
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
),

printed as (
    select report_id, fact_key, value
    from {{ ref('fct_budget_summary') }}
    unpivot (value for fact_key in (
        three_public_budget, agency_operating_cost_budget, procurement_budget
    ))
    where (fact_key = 'three_public_budget' and three_public_budget_source = 'table')
       or (fact_key = 'agency_operating_cost_budget' and agency_operating_cost_budget_source = 'table')
       or (fact_key = 'procurement_budget' and procurement_budget_source = 'table')
),

narrative_part_checks as (
    select
        {{ report_columns('r') }},
        'narrative.' || n.fact_key as check_name,
        'narrative' as category,
        p.value as expected,
        n.value as actual,
        round(n.value - p.value, 4) as difference,
        0.02 as tolerance,
        case when abs(n.value - p.value) <= 0.02 + 1e-9 then 'pass' else 'fail' end as status,
        'the narrative published apart from the tables (' || n.file || ')' as detail,
        n.file,
        n.page,
        n.line
    from {{ ref('int_report_narrative_facts') }} as n
    inner join printed as p using (report_id, fact_key)
    inner join {{ ref('int_reports_current') }} as r using (report_id)
    where n.file_report_id <> n.report_id and n.basis = 'reported' and n.qualifier is null and n.unit = '万元'
)

select * from loader_checks
union all
select * from narrative_part_checks
