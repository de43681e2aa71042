-- Rank and percentile of each department within its region (the government it belongs to: dim_department.region,
-- e.g. 辽宁省 / 合肥市 / 上海市普陀区) and within its province, per year and headline figure. One row per
-- department x year x metric with a value. rank 1 = the largest value (ties share a rank); percentile = percent
-- rank ascending x 100 (0 = the smallest, 100 = the largest; 0 when alone). Rows of every basis are ranked; the
-- budget's figures (budget_expenditure_total, budget_execution_pct, three_public_budget, …) are metrics too.
{%- set metrics = comparison_metrics() + budget_metrics() %}
with years as (
    select * from {{ ref('fct_department_year') }}
),

long as (
    {%- for metric, key, unit in metrics %}
    select department_id, department, year, basis, region, province, level,
           '{{ metric }}' as metric, {{ metric }}::double as value
    from years
    where {{ metric }} is not null
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select
    department_id,
    department,
    year,
    metric,
    value,
    basis,
    level,
    region,
    case when region is not null then count(*) over (partition by region, year, metric) end as region_peers,
    case when region is not null then rank() over (partition by region, year, metric order by value desc) end
        as region_rank,
    case when region is not null
        then round(100 * percent_rank() over (partition by region, year, metric order by value), 2) end
        as region_percentile,
    province,
    case when province is not null then count(*) over (partition by province, year, metric) end as province_peers,
    case when province is not null then rank() over (partition by province, year, metric order by value desc) end
        as province_rank,
    case when province is not null
        then round(100 * percent_rank() over (partition by province, year, metric order by value), 2) end
        as province_percentile
from long
