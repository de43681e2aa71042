-- 类 = Σ款 and 款 = Σ项 per column in the function-coded expenditure facts (DOMAIN identity 2), within 0.05.
-- A real report can break this (尾差 or a misprint): it warns, it does not block.
{{ config(severity='warn') }}
{% for col in ['total', 'basic', 'project'] %}
select
    p.report_id, p.scope, p.function_code, '{{ col }}' as column_name,
    p.{{ col }} as parent_value, sum(c.{{ col }}) as children_sum
from {{ ref('fct_expenditure_by_function') }} as p
inner join {{ ref('fct_expenditure_by_function') }} as c
    on c.report_id = p.report_id and c.scope = p.scope and c.parent_code = p.function_code
where p.{{ col }} is not null
group by all
having abs(p.{{ col }} - coalesce(sum(c.{{ col }}), 0)) > 0.05
{% if not loop.last %}union all{% endif %}
{% endfor %}
