-- A later report's comparatives (fct_reported_comparative: year − 1 figures implied by stated changes) against
-- the year's own report, where that report is loaded: expected = the figure the year's own report states
-- (its narrative, else the headline of fct_report_summary), actual = the comparative, difference = actual −
-- expected. Tolerance 0.05 万元 (尾差); a comparative derived from a stated percentage also admits the rounding of
-- that percentage (0.01% of the amount). Nothing is "fixed": a fail is a disagreement between two published reports.
with comparatives as (
    select * from {{ ref('fct_reported_comparative') }}
),

own as (
    select department_id, year, report_id
    from {{ ref('dim_report_version') }}
    where is_preferred and kind = 'final'
),

own_narrative as (
    select report_id, fact_key, value
    from {{ ref('int_narrative_facts') }}
),

own_headline as (
    select report_id, fact_key, value
    from {{ ref('fct_report_summary') }}
    unpivot (value for fact_key in (
        grand_total as 'income_total', expenditure_total, carryover_end, agency_operating_cost, three_public_total,
        basic_total as 'expenditure_basic', project_total as 'expenditure_project', procurement_total
    ))
),

joined as (
    select
        c.*,
        o.report_id,
        n.value as narrative_value,
        h.value as headline_value,
        0.05 + case when c.original like '%\%%' escape '\' then round(abs(c.value) * 0.0001, 2) else 0 end
            as tolerance
    from comparatives as c
    left join own as o using (department_id, year)
    left join own_narrative as n on n.report_id = o.report_id and n.fact_key = c.fact_key
    left join own_headline as h on h.report_id = o.report_id and h.fact_key = c.fact_key
)

select
    department_id,
    department,
    year,
    fact_key,
    report_id,
    reported_by_report_id,
    reported_in_year,
    coalesce(narrative_value, headline_value) as expected,
    value as actual,
    round(value - coalesce(narrative_value, headline_value), 2) as difference,
    tolerance,
    case when narrative_value is not null then 'narrative' when headline_value is not null then 'table' end
        as expected_source,
    case
        when report_id is null or coalesce(narrative_value, headline_value) is null then 'not_run'
        when abs(value - coalesce(narrative_value, headline_value)) <= tolerance + 1e-9 then 'pass'
        else 'fail'
    end as status,
    case
        when report_id is null then 'the year''s own report is not loaded'
        when coalesce(narrative_value, headline_value) is null then 'the year''s own report does not state it'
        else 'comparative of the ' || reported_in_year || ' report (' || original || ') vs the ' || year || ' report'
    end as detail,
    file,
    page,
    line
from joined
