-- Distribution of project self-evaluations (fct_project_performance, preferred reports only): budget execution
-- rate and total score, per department x year, per year (all departments) and overall. Quartiles are
-- interpolated (quantile_cont). below_threshold: projects under dbt var performance_low_threshold (default 80:
-- an execution rate under 80%, a score under 80 points, i.e. below the 良 grade).
{%- set low = var('performance_low_threshold', 80) %}
with projects as (
    select p.department_id, p.year, p.execution_rate_pct, p.total_score
    from {{ ref('fct_project_performance') }} as p
    inner join {{ ref('dim_report_version') }} as v using (report_id)
    where v.is_preferred
),

long as (
    select department_id, year, 'execution_rate_pct' as measure, execution_rate_pct as value from projects
    union all
    select department_id, year, 'total_score', total_score from projects
),

grouped as (
    select
        case
            when grouping(department_id) = 0 then 'department_year'
            when grouping(year) = 0 then 'year'
            else 'overall'
        end as grain,
        department_id,
        year,
        measure,
        count(value) as project_count,
        min(value) as min_value,
        round(quantile_cont(value, 0.25), 2) as p25,
        round(quantile_cont(value, 0.5), 2) as median,
        round(quantile_cont(value, 0.75), 2) as p75,
        max(value) as max_value,
        round(avg(value), 2) as mean_value,
        count(*) filter (where value < {{ low }}) as below_threshold_count
    from long
    group by grouping sets ((measure, department_id, year), (measure, year), (measure))
)

select
    g.grain,
    g.department_id,
    d.canonical_name as department,
    g.year,
    g.measure,
    g.project_count,
    g.min_value,
    g.p25,
    g.median,
    g.p75,
    g.max_value,
    g.mean_value,
    {{ low }}::double as threshold,
    g.below_threshold_count,
    case when g.project_count > 0 then round(100.0 * g.below_threshold_count / g.project_count, 2) end
        as below_threshold_share_pct
from grouped as g
left join {{ ref('dim_department') }} as d using (department_id)
