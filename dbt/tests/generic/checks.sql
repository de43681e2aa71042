{#- Every rule of one severity on one model, as ONE test: dbt's cost is per node (≈ 25 ms of start-up each, more
    than the query), so a model's not-null, key, accepted-value, relationship and range rules run together. The
    test returns one row per broken rule (rule, failures) and fails on the sum of failing rows. NULL passes every
    rule but not_null. Arguments, all optional:
      not_null: [column, …]
      unique: [column | [column, …], …]          a list is a composite key (NULLs grouped like values)
      accepted_values: {column: [value, …]}       strings are quoted, numbers are not
      relationships: [{column, to, field}, …]     every non-NULL column value exists in to.field
      not_negative: [column, …]
      between: {column: [min, max]}
      matches_regex: {column: pattern}             the whole value matches
      sum_equals: [{column, parts: [column, …], tolerance}]   column = Σ parts (NULL parts count as 0) within
                                                   tolerance; rows whose column or all parts are NULL are skipped
-#}
{% test checks(model, not_null=[], unique=[], accepted_values={}, relationships=[], not_negative=[], between={},
               matches_regex={}, sum_equals=[]) %}
{{ config(fail_calc='coalesce(sum(failures), 0)') }}
{%- set rules = [] -%}
{%- for column in not_null -%}
  {%- do rules.append(('not_null(' ~ column ~ ')', 'select count(*) from ' ~ model ~ ' where ' ~ column ~ ' is null')) -%}
{%- endfor -%}
{%- for key in unique -%}
  {%- if key is string -%}
    {%- do rules.append(('unique(' ~ key ~ ')', 'select count(*) from (select ' ~ key ~ ' from ' ~ model ~ ' where '
        ~ key ~ ' is not null group by ' ~ key ~ ' having count(*) > 1)')) -%}
  {%- else -%}
    {%- do rules.append(('unique(' ~ key | join(', ') ~ ')', 'select count(*) from (select ' ~ key | join(', ')
        ~ ' from ' ~ model ~ ' group by ' ~ key | join(', ') ~ ' having count(*) > 1)')) -%}
  {%- endif -%}
{%- endfor -%}
{%- for column, values in accepted_values.items() -%}
  {%- set literals = [] -%}
  {%- for value in values -%}
    {%- do literals.append("'" ~ value | replace("'", "''") ~ "'" if value is string else value | string) -%}
  {%- endfor -%}
  {%- do rules.append(('accepted_values(' ~ column ~ ')', 'select count(*) from ' ~ model ~ ' where ' ~ column
      ~ ' is not null and ' ~ column ~ ' not in (' ~ literals | join(', ') ~ ')')) -%}
{%- endfor -%}
{%- for rel in relationships -%}
  {%- do rules.append(('relationships(' ~ rel.column ~ ' → ' ~ rel.to.identifier ~ '.' ~ rel.field ~ ')',
      'select count(*) from ' ~ model ~ ' as child where child.' ~ rel.column ~ ' is not null and not exists '
      ~ '(select 1 from ' ~ rel.to ~ ' as parent where parent.' ~ rel.field ~ ' = child.' ~ rel.column ~ ')')) -%}
{%- endfor -%}
{%- for column in not_negative -%}
  {%- do rules.append(('not_negative(' ~ column ~ ')', 'select count(*) from ' ~ model ~ ' where ' ~ column ~ ' < 0')) -%}
{%- endfor -%}
{%- for column, bounds in between.items() -%}
  {%- do rules.append(('between(' ~ column ~ ')', 'select count(*) from ' ~ model ~ ' where ' ~ column ~ ' < '
      ~ bounds[0] ~ ' or ' ~ column ~ ' > ' ~ bounds[1])) -%}
{%- endfor -%}
{%- for column, pattern in matches_regex.items() -%}
  {%- do rules.append(('matches_regex(' ~ column ~ ')', 'select count(*) from ' ~ model ~ ' where ' ~ column
      ~ " is not null and not regexp_full_match(" ~ column ~ ", '" ~ pattern ~ "')")) -%}
{%- endfor -%}
{%- for identity in sum_equals -%}
  {%- set parts = identity.parts -%}
  {%- set zeroed = [] -%}
  {%- for part in parts -%}{%- do zeroed.append('coalesce(' ~ part ~ ', 0)') -%}{%- endfor -%}
  {%- do rules.append(('sum_equals(' ~ identity.column ~ ' = ' ~ parts | join(' + ') ~ ')', 'select count(*) from '
      ~ model ~ ' where ' ~ identity.column ~ ' is not null and coalesce(' ~ parts | join(', ') ~ ') is not null and abs('
      ~ identity.column ~ ' - (' ~ zeroed | join(' + ') ~ ')) > ' ~ identity.get('tolerance', 0.05))) -%}
{%- endfor %}
select rule, failures
from (
{%- for name, sql in rules %}
    select '{{ name }}' as rule, ({{ sql }}) as failures{% if not loop.last %}
    union all{% endif %}
{%- endfor %}
) as rules
where failures > 0
{% endtest %}
