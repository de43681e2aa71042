-- One row per department: one identity across 机构改革 renames (canonical name via seeds/department_aliases.csv,
-- else a rename rule of seeds/department_rename_rules.csv, else the printed name), with its region and level
-- (seed, else the place prefix of the name via seeds/places.csv). Only departments with a loaded report: the names
-- of the others (seed aliases) are in dim_department_name, the alias table.
with names as (
    select * from {{ ref('int_department_names') }}
),

reports as (
    select department_id, count(*) as report_count, min(year) as first_year, max(year) as last_year
    from {{ ref('int_reports_preferred') }}
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
    max(r.last_year) as last_year,
    max(n.province) as province,
    max(n.city) as city,
    max(n.district) as district,
    max(n.region_source) as region_source,
    count(distinct n.name) filter (where n.seen_on_report) > 1 as renamed
from names as n
inner join reports as r using (department_id)
group by n.department_id, n.canonical_name
