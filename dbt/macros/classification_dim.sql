{#- The table families printing classification codes of each kind: ``families`` print codes of that kind only;
    ``mixed`` print codes of either kind (a project table by function or by economic class), whose codes of this
    kind (function 2xx, economic 3xx) count. -#}
{% macro classification_families(kind) -%}
    {{ return({
        'function': {'families': ['income', 'expenditure', 'general_budget_expenditure', 'government_fund',
                                  'state_capital'],
                     'mixed': ['project_expenditure', 'project_income_expenditure']},
        'economic': {'families': ['general_budget_basic_expenditure'],
                     'mixed': ['appropriation_economic_detail', 'general_budget_economic_detail',
                               'agency_operating_cost', 'project_expenditure', 'project_income_expenditure']},
    }[kind]) }}
{%- endmacro %}

{#- Every table family of classification_families, either kind. -#}
{% macro classification_code_families() -%}
    {%- set found = [] -%}
    {%- for kind in ['function', 'economic'] -%}
        {%- for family in classification_families(kind)['families'] + classification_families(kind)['mixed'] -%}
            {%- if family not in found -%}{%- do found.append(family) -%}{%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}

{#- family in (…) -#}
{% macro family_in(column, families) -%}
    {{ column }} in ({% for f in families %}'{{ f }}'{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{#- Body of dim_function_class / dim_economic_class. kind: 'function' | 'economic' (classification_families). -#}
{% macro classification_dim(kind) -%}
{%- set families = classification_families(kind)['families'] -%}
{%- set mixed = classification_families(kind)['mixed'] -%}
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
    select distinct code, name, year
    from {{ ref('int_classification_codes_printed') }}
    where {{ family_in('table_family', families) }}
    {%- if mixed %}
       or {{ family_in('table_family', mixed) }} and left(code, 1) = '{{ '2' if kind == 'function' else '3' }}'
    {%- endif %}
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
),

by_year as (
    select code, year, name_normalized, canonical_name, is_canonical_name
    from {{ ref('dim_' ~ kind ~ '_class_name_by_year') }}
),

canonical as (
    select
        code,
        min(canonical_name) as canonical_name,
        max(year) as canonical_name_year,
        count(distinct name_normalized) as distinct_names,
        list(distinct year order by year) filter (where not is_canonical_name) as years_other_name
    from by_year
    group by code
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
    pc.code is not null as in_reports,
    coalesce(cn.canonical_name, {{ normalize_class_name('coalesce(rn.name, pn.name)') }}) as canonical_name,
    cn.canonical_name_year,
    coalesce(cn.distinct_names, 0) > 1 as name_drifted,
    coalesce(cn.years_other_name, []) as years_other_name
from codes as c
left join reference_name as rn using (code)
left join printed_name as pn using (code)
left join all_names as a using (code)
left join printed_codes as pc using (code)
left join canonical as cn using (code)
{%- endmacro %}


{#- Body of dim_function_class_name_by_year / dim_economic_class_name_by_year: one row per code x year with the name
    of that year (printed in that year's reports — the families of that kind, not the mixed ones —, the most
    frequent spelling; else the reference list's name for that year), and the code's canonical name (the name of its
    latest year, brackets normalized). -#}
{% macro classification_names_by_year(kind) -%}
{%- set families = classification_families(kind)['families'] -%}
with reference as (
    select
        replace(trim(code), ' ', '') as code,
        trim(name_as_printed) as name,
        trim(y)::integer as year
    from {{ ref('observed_classification_codes') }},
        unnest(string_split(years_seen, ';')) as t(y)
    where kind = '{{ kind }}' and trim(y) <> ''
),

reference_year as (
    select code, year, name
    from reference
    qualify row_number() over (partition by code, year order by name) = 1
),

printed as (
    select code, year, name, count(distinct report_id) as reports
    from {{ ref('int_classification_codes_printed') }}
    where {{ family_in('table_family', families) }}
      and year is not null
      and name is not null
    group by all
),

printed_year as (
    select code, year, name, sum(reports) over (partition by code, year) as reports
    from printed
    qualify row_number() over (partition by code, year order by reports desc, name) = 1
),

years as (
    select
        coalesce(p.code, f.code) as code,
        coalesce(p.year, f.year) as year,
        coalesce(p.name, f.name) as name,
        case when p.name is not null then 'report' else 'reference' end as source,
        p.name as printed_name,
        f.name as reference_name,
        coalesce(p.reports, 0) as report_count
    from printed_year as p
    full outer join reference_year as f on f.code = p.code and f.year = p.year
),

named as (
    select
        *,
        {{ normalize_class_name('name') }} as name_normalized,
        last_value({{ normalize_class_name('name') }}) over (
            partition by code order by year rows between unbounded preceding and unbounded following
        ) as canonical_name
    from years
)

select
    code,
    year,
    name,
    name_normalized,
    source,
    printed_name,
    reference_name,
    report_count,
    canonical_name,
    name_normalized = canonical_name as is_canonical_name
from named
{%- endmacro %}
