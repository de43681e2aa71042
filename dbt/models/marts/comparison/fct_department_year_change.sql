-- Year-on-year change of each headline figure, one row per department x year x metric (rows with a value), computed
-- from fct_department_year (this year − last year, and as % of last year) and checked against the change the
-- year's report states (narrative *_change_amount / *_change_pct). check_status: pass / fail (beyond 0.05 万元 or
-- 0.05 percentage points) / not_run (nothing stated, last year unknown, or last year known only from this same
-- report's comparatives, which are derived from the stated change and would check it against itself).
{%- set metrics = comparison_metrics() %}
with years as (
    select * from {{ ref('fct_department_year') }}
),

long as (
    {%- for metric, key, unit in metrics %}
    select
        department_id, department, year, basis, report_id,
        '{{ metric }}' as metric,
        '{{ unit }}' as unit,
        {{ "'" ~ key ~ "'" if key else 'cast(null as varchar)' }} as stated_key,
        {{ metric }}::double as value
    from years
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

stated as (
    select
        report_id,
        max(value) filter (where fact_key like '%\_change\_amount' escape '\') as stated_change_amount,
        max(value) filter (where fact_key like '%\_change\_pct' escape '\') as stated_change_pct,
        regexp_replace(fact_key, '_change_(amount|pct)$', '') as stated_key
    from {{ ref('int_report_narrative_facts') }}
    where basis = 'reported'
      and qualifier is null
      and regexp_matches(fact_key, '_change_(amount|pct)$')
    group by report_id, stated_key
),

paired as (
    select
        c.*,
        p.value as previous_value,
        p.basis as previous_basis,
        round(c.value - p.value, 2) as change_amount,
        case when p.value <> 0 then round((c.value - p.value) / abs(p.value) * 100, 2) end as change_pct,
        s.stated_change_amount,
        s.stated_change_pct
    from long as c
    left join long as p
        on p.department_id = c.department_id and p.metric = c.metric and p.year = c.year - 1
    left join stated as s on s.report_id = c.report_id and s.stated_key = c.stated_key
    where c.value is not null
)

select
    department_id,
    department,
    year,
    metric,
    unit,
    basis,
    value,
    previous_value,
    previous_basis,
    change_amount,
    change_pct,
    stated_change_amount,
    stated_change_pct,
    round(change_amount - stated_change_amount, 2) as amount_difference,
    round(change_pct - stated_change_pct, 2) as pct_difference,
    case
        when stated_change_amount is null and stated_change_pct is null then 'not_run'
        when previous_value is null or previous_basis <> 'report' then 'not_run'
        when abs(coalesce(change_amount - stated_change_amount, 0)) <= 0.05 + 1e-9
         and abs(coalesce(change_pct - stated_change_pct, 0)) <= 0.05 + 1e-9 then 'pass'
        else 'fail'
    end as check_status,
    case
        when stated_change_amount is null and stated_change_pct is null then 'no change stated'
        when previous_value is null then 'last year''s figure unknown'
        when previous_basis <> 'report' then 'last year known only from this report''s comparatives'
    end as check_detail
from paired
