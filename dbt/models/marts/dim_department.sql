-- One row per department (canonical name after 机构改革 renames, via seeds/department_aliases.csv).
with names as (
    select * from {{ ref('int_department_names') }}
),

reports as (
    select department_id, count(*) as report_count, min(year) as first_year, max(year) as last_year
    from {{ ref('int_reports_current') }}
    group by 1
)

select
    n.department_id,
    n.canonical_name,
    coalesce(list(distinct n.name order by n.name) filter (where n.seen_on_report), []) as names_printed,
    list(distinct n.name order by n.name) as names_known,
    max(n.region) as region,
    max(n.level) as level,
    coalesce(max(r.report_count), 0) as report_count,
    max(r.first_year) as first_year,
    max(r.last_year) as last_year
from names as n
left join reports as r using (department_id)
group by n.department_id, n.canonical_name
