-- Every check a report's own figures failed, one row per failure with what was expected and what was printed
-- (DOMAIN identities, narrative vs tables, SME ≤ procurement, shares ≤ 100 %, a later report's comparative vs the
-- year's own report). These are data, never blockers: the warehouse publishes and `gongkai run` lists them.
with versions as (
    select report_id, path, is_preferred from {{ ref('int_report_versions') }}
),

own as (
    select
        {{ report_columns('r') }},
        v.path,
        v.is_preferred,
        c.check_name,
        c.category,
        c.expected,
        c.actual,
        c.difference,
        c.tolerance,
        c.detail,
        coalesce(c.file, v.path) as file,
        c.page,
        c.line
    from {{ ref('stg_reconciliation_checks') }} as c
    inner join {{ ref('int_reports_current') }} as r using (report_id)
    inner join versions as v using (report_id)
    where c.status = 'fail'
),

comparatives as (
    select
        c.reported_by_report_id as report_id,
        r.department_id,
        r.department,
        r.year,
        r.kind,
        v.path,
        v.is_preferred,
        'comparative.' || c.fact_key as check_name,
        'comparative' as category,
        c.expected,
        c.actual,
        c.difference,
        c.tolerance,
        c.detail,
        coalesce(c.file, v.path) as file,
        c.page,
        c.line
    from {{ ref('comparative_reconciliation') }} as c
    inner join {{ ref('int_reports_current') }} as r on r.report_id = c.reported_by_report_id
    inner join versions as v on v.report_id = c.reported_by_report_id
    where c.status = 'fail'
)

select * from own
union all
select * from comparatives
