{#- Fails on every row where the column does not fully match the regular expression (NULL passes). -#}
{% test matches_regex(model, column_name, pattern) %}
select *
from {{ model }}
where {{ column_name }} is not null
  and not regexp_full_match({{ column_name }}, '{{ pattern }}')
{% endtest %}
