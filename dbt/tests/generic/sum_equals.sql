{#- Fails on every row where column_name differs from the sum of the parts (NULL parts count as 0) by more than
    tolerance. Rows whose total is NULL, or whose parts are all NULL, are not checked. -#}
{% test sum_equals(model, column_name, parts, tolerance=0.05) %}
select *
from {{ model }}
where {{ column_name }} is not null
  and coalesce({% for p in parts %}{{ p }}{% if not loop.last %}, {% endif %}{% endfor %}) is not null
  and abs({{ column_name }} - ({% for p in parts %}coalesce({{ p }}, 0){% if not loop.last %} + {% endif %}{% endfor %})) > {{ tolerance }}
{% endtest %}
