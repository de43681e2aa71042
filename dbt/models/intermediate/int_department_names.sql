-- Every name a department appeared under (printed on a report, or listed in the alias seed) with its canonical
-- name. A printed name not in the seed is its own canonical name.
with aliases as (
    select
        trim(alias) as alias,
        trim(canonical_name) as canonical_name,
        nullif(trim(region), '') as region,
        nullif(trim(level), '') as level
    from {{ ref('department_aliases') }}
),

printed as (
    select department_as_printed as name, count(distinct report_id) as report_versions
    from {{ ref('stg_report_files') }}
    where department_as_printed is not null
    group by 1
),

names as (
    select p.name, true as printed, p.report_versions from printed as p
    union all
    select a.alias, false, 0 from aliases as a
    where {{ name_key('a.alias') }} not in (select {{ name_key('name') }} from printed)
)

select
    n.name as name,
    {{ name_key('n.name') }} as name_key,
    n.printed as seen_on_report,
    coalesce(a.canonical_name, n.name) as canonical_name,
    {{ short_hash("coalesce(a.canonical_name, n.name)") }} as department_id,
    a.region,
    a.level
from names as n
left join aliases as a on {{ name_key('a.alias') }} = {{ name_key('n.name') }}
