{#- Body of dim_function_class / dim_economic_class. kind: 'function' | 'economic'; families: the table families
    whose codes are of that kind. -#}
{% macro classification_dim(kind, families) -%}
with reference as (
    select
        replace(trim(code), ' ', '') as code,
        trim(name_as_printed) as name,
        years_seen,
        (select max(y::integer) from (select unnest(string_split(years_seen, ';')) as y) where y <> '') as last_year
    from {{ ref('observed_classification_codes') }}
    where kind = '{{ kind }}'
),

printed as (
    select
        c.code,
        {{ strip_code('c.row_label') }} as name,
        r.year
    from {{ ref('stg_table_cells') }} as c
    inner join {{ ref('int_reports_current') }} as r using (report_id)
    where c.table_family in ({% for f in families %}'{{ f }}'{% if not loop.last %}, {% endif %}{% endfor %})
      and c.code is not null
      and regexp_matches(c.code, '{{ "^\\d{3}(\\d{2}){0,2}$" if kind == "function" else "^\\d{3}(\\d{2})?$" }}')
),

codes as (
    select code from reference
    union
    select code from printed
),

reference_name as (
    select code, name, years_seen
    from reference
    qualify row_number() over (partition by code order by last_year desc nulls last, name) = 1
),

printed_name as (
    select code, name, year
    from printed
    where name is not null
    qualify row_number() over (partition by code order by year desc nulls last, name) = 1
),

all_names as (
    select code, list(distinct name order by name) as names_seen
    from (
        select code, name from reference
        union
        select code, name from printed where name is not null
    )
    group by code
),

printed_codes as (
    select distinct code from printed
)

select
    c.code,
    coalesce(rn.name, pn.name) as name,
    {{ code_level('c.code') }} as level,
    case {{ code_level('c.code') }} when 1 then '类' when 2 then '款' when 3 then '项' end as level_name,
    {{ code_parent('c.code') }} as parent_code,
    a.names_seen,
    rn.years_seen as reference_years_seen,
    rn.code is not null as in_reference,
    pc.code is not null as in_reports
from codes as c
left join reference_name as rn using (code)
left join printed_name as pn using (code)
left join all_names as a using (code)
left join printed_codes as pc using (code)
{%- endmacro %}
