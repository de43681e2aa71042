-- Prior-year figures a report states (raw.narrative_facts basis = 'comparative': 比上年增加/减少 … implies last
-- year's figure), as facts of year − 1, marked with the report that states them. Only preferred reports
-- (dim_report_version.is_preferred) and headline (unqualified) figures; amounts in 万元 (元 converted).
with facts as (
    select
        n.report_id,
        n.fact_key,
        case when n.unit = '元' then n.value / 10000.0 else n.value end as value,
        case when n.unit = '元' then '万元' else n.unit end as unit,
        n.fiscal_year,
        n.original,
        n.file,
        n.page,
        n.line
    from {{ ref('int_report_narrative_facts') }} as n
    where n.basis = 'comparative'
      and n.qualifier is null
    qualify row_number() over (partition by n.report_id, n.fact_key order by n.page, n.line, n.value, n.original) = 1
)

select
    v.department_id,
    v.department,
    -- a comparative is about an earlier year: the fact's fiscal_year when it says so, else the report's year − 1
    coalesce(case when f.fiscal_year < v.year then f.fiscal_year end, v.year - 1) as year,
    f.fact_key,
    f.value,
    f.unit,
    f.report_id as reported_by_report_id,
    v.year as reported_in_year,
    f.original,
    f.file,
    f.page,
    f.line
from facts as f
inner join {{ ref('dim_report_version') }} as v using (report_id)
where v.is_preferred
