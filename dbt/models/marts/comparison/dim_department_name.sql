-- A department's names over time: one row per department x name (printed on a report, or an alias of the seed),
-- with the fiscal years of the loaded reports printed under it and how the name was matched to the department.
with names as (
    select * from {{ ref('int_department_names') }}
),

printed_years as (
    select
        r.department_id,
        {{ name_key('r.department_as_printed') }} as name_key,
        count(*) as report_count,
        min(r.year) as first_year,
        max(r.year) as last_year,
        list(distinct r.year order by r.year) as years
    from {{ ref('int_reports_current') }} as r
    group by 1, 2
),

latest as (
    select department_id, {{ name_key('department_as_printed') }} as name_key
    from {{ ref('int_reports_current') }}
    qualify row_number() over (partition by department_id order by year desc, path desc) = 1
)

select
    n.department_id,
    n.canonical_name,
    n.name,
    n.seen_on_report,
    n.match,
    coalesce(p.report_count, 0) as report_count,
    p.first_year,
    p.last_year,
    coalesce(p.years, []) as years,
    l.name_key is not null as is_latest_name,
    n.name = n.canonical_name as is_canonical_name
from names as n
left join printed_years as p on p.department_id = n.department_id and p.name_key = n.name_key
left join latest as l on l.department_id = n.department_id and l.name_key = n.name_key
