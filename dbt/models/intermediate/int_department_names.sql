-- Every name a department appeared under (printed on a report, or listed in the alias seed) with its canonical
-- name, one row per name. How a name finds its department (match):
--   'seed'        the name is an alias in seeds/department_aliases.csv (its canonical_name is the identity);
--   'rename_rule' the name is <prefix><old_suffix> of a rule in seeds/department_rename_rules.csv, the name
--                 <prefix><new_suffix> is known too, and every year printed under the old name comes before the
--                 first year printed under the new one (a 机构改革 rename: 辽宁省营商环境建设局 → 辽宁省数据局);
--   'self'        otherwise: a printed name not in the seed is its own canonical name.
-- Region and level come from the alias seed, else from the name's place prefix (seeds/places.csv).
-- A table, computed once a run: DuckDB plans this query (its CTEs inlined wherever they are read) in ≈ 40 ms, and
-- int_reports_current, a view that every model and test reading it evaluates again, joins it.
{{ config(materialized='table') }}
with aliases as (
    select
        trim(alias) as alias,
        {{ name_key('alias') }} as alias_key,
        trim(canonical_name) as canonical_name,
        nullif(trim(region), '') as region,
        nullif(trim(level), '') as level
    from {{ ref('department_aliases') }}
),

rules as (
    select trim(old_suffix) as old_suffix, trim(new_suffix) as new_suffix
    from {{ ref('department_rename_rules') }}
    where nullif(trim(old_suffix), '') is not null and nullif(trim(new_suffix), '') is not null
),

printed as (
    select
        department_as_printed as name,
        count(distinct report_id) as report_versions,
        min(year) as first_year,
        max(year) as last_year
    from {{ ref('stg_report_files') }}
    where department_as_printed is not null
    group by 1
),

names as (
    select p.name, {{ name_key('p.name') }} as name_key, true as printed, p.first_year, p.last_year
    from printed as p
    union all
    select a.alias, a.alias_key, false, null, null
    from aliases as a
    where a.alias_key not in (select {{ name_key('name') }} from printed)
),

-- a name's canonical name from the seed alone
seeded as (
    select n.*, a.canonical_name as seed_canonical
    from names as n
    left join aliases as a on a.alias_key = n.name_key
),

renamed as (
    select
        o.name_key,
        coalesce(n.seed_canonical, n.name) as rule_canonical,
        row_number() over (partition by o.name_key order by length(r.old_suffix) desc, n.name) as pick
    from seeded as o
    inner join rules as r on ends_with(o.name_key, {{ name_key('r.old_suffix') }})
    inner join seeded as n
        on n.name_key = left(o.name_key, length(o.name_key) - length({{ name_key('r.old_suffix') }}))
                        || {{ name_key('r.new_suffix') }}
    where o.seed_canonical is null
      and n.name_key <> o.name_key
      and (o.last_year is null or n.first_year is null or o.last_year < n.first_year)
),

resolved as (
    select
        s.name,
        s.name_key,
        s.printed as seen_on_report,
        s.first_year,
        s.last_year,
        coalesce(s.seed_canonical, r.rule_canonical, s.name) as canonical_name,
        case when s.seed_canonical is not null then 'seed' when r.rule_canonical is not null then 'rename_rule'
             else 'self' end as match
    from seeded as s
    left join renamed as r on r.name_key = s.name_key and r.pick = 1
),

-- region / level given in the seed for any alias of the department
seed_region as (
    select
        a.canonical_name,
        max(a.region) as region,
        max(a.level) as level
    from aliases as a
    group by 1
),

-- place prefixes: a province; a city, alone or after its province; a district after its city (and province)
places as (
    select trim(name) as name, trim(level) as level, nullif(trim(parent), '') as parent
    from {{ ref('places') }}
),

prefixes as (
    select name as prefix, 'province' as level, name as province, null as city, null as district, name as region
    from places where level = 'province'
    union all
    select c.name, 'city', c.parent, c.name, null, c.name
    from places as c where c.level = 'city'
    union all
    select c.parent || c.name, 'city', c.parent, c.name, null, c.name
    from places as c where c.level = 'city' and c.parent is not null
    union all
    select d.parent || d.name, 'district', coalesce(c.parent, p.name), coalesce(c.name, p.name), d.name,
           d.parent || d.name
    from places as d
    left join places as c on c.name = d.parent and c.level = 'city'
    left join places as p on p.name = d.parent and p.level = 'province'
    where d.level = 'district' and d.parent is not null
    union all
    select c.parent || d.parent || d.name, 'district', c.parent, c.name, d.name, d.parent || d.name
    from places as d
    inner join places as c on c.name = d.parent and c.level = 'city'
    where d.level = 'district' and c.parent is not null
),

name_place as (
    select
        r.canonical_name,
        p.level,
        p.province,
        p.city,
        p.district,
        p.region
    from (select distinct canonical_name from resolved) as r
    inner join prefixes as p on starts_with({{ name_key('r.canonical_name') }}, p.prefix)
    qualify row_number() over (partition by r.canonical_name order by length(p.prefix) desc, p.prefix) = 1
)

select
    r.name,
    r.name_key,
    r.seen_on_report,
    r.canonical_name,
    {{ short_hash("r.canonical_name") }} as department_id,
    coalesce(s.region, np.region) as region,
    coalesce(s.level, np.level) as level,
    np.province,
    np.city,
    np.district,
    case when s.region is not null or s.level is not null then 'seed' when np.region is not null then 'name' end
        as region_source,
    r.match,
    r.first_year,
    r.last_year
from resolved as r
left join seed_region as s using (canonical_name)
left join name_place as np using (canonical_name)
