{#- Every rule of one severity on one model, as ONE test: dbt's cost is per node (≈ 25 ms of start-up each, more
    than the query), so a model's not-null, key, accepted-value, relationship and range rules run together. The
    test returns the failing rows themselves, in words an analyst reads (the Dagster check shows the first 20):
      rule      the broken rule, e.g. "expenditure_total = basic_total + project_total"
      report_id the row's report (when the model has one), file and page where it was printed
      what      what the row is: its code, label, item, scope … (the key's values for a duplicate key)
      expected  what the rule wants;  actual  what the row holds
    dbt counts them (failures = failing rows). NULL passes every rule but not_null. Arguments, all optional:
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
{%- set context = checks_row_context(model) -%}
{%- set rules = [] -%}
{%- for column in not_null -%}
  {%- do rules.append(checks_rule(context, column ~ ' is not blank', "'a value'", "'blank'", model,
      column ~ ' is null')) -%}
{%- endfor -%}
{%- for key in unique -%}
  {%- set columns = [key] if key is string else key -%}
  {%- set values = [] -%}
  {%- for column in columns -%}{%- do values.append('cast(' ~ column ~ ' as varchar)') -%}{%- endfor -%}
  {%- set nulls = [] -%}
  {%- for column in columns -%}{%- do nulls.append(column ~ ' is not null') -%}{%- endfor -%}
  {%- do rules.append("select 'one row per " ~ columns | join(', ') ~ "' as rule, any_value(" ~ context.report_id
      ~ ") as report_id, concat_ws(' ', " ~ values | join(', ') ~ ") as what, '1 row' as expected, count(*) || ' rows'"
      ~ " as actual, any_value(" ~ context.file ~ ") as file, any_value(" ~ context.page ~ ") as page from " ~ model
      ~ (" where " ~ columns[0] ~ " is not null" if key is string else "") ~ " group by " ~ columns | join(', ')
      ~ " having count(*) > 1") -%}
{%- endfor -%}
{%- for column, values in accepted_values.items() -%}
  {%- set literals = [] -%}
  {%- for value in values -%}
    {%- do literals.append("'" ~ value | replace("'", "''") ~ "'" if value is string else value | string) -%}
  {%- endfor -%}
  {%- do rules.append(checks_rule(context, column ~ ' is an accepted value',
      "'one of " ~ values | join(', ') | replace("'", "''") ~ "'", 'cast(' ~ column ~ ' as varchar)', model,
      column ~ ' is not null and ' ~ column ~ ' not in (' ~ literals | join(', ') ~ ')')) -%}
{%- endfor -%}
{%- for rel in relationships -%}
  {%- do rules.append(checks_rule(context, rel.column ~ ' exists in ' ~ rel.to.identifier ~ '.' ~ rel.field,
      "'a " ~ rel.field ~ " of " ~ rel.to.identifier ~ "'", 'cast(child.' ~ rel.column ~ ' as varchar)',
      model ~ ' as child', 'child.' ~ rel.column ~ ' is not null and not exists (select 1 from ' ~ rel.to
      ~ ' as parent where parent.' ~ rel.field ~ ' = child.' ~ rel.column ~ ')')) -%}
{%- endfor -%}
{%- for column in not_negative -%}
  {%- do rules.append(checks_rule(context, column ~ ' ≥ 0', "'≥ 0'", checks_number(column), model,
      column ~ ' < 0')) -%}
{%- endfor -%}
{%- for column, bounds in between.items() -%}
  {%- do rules.append(checks_rule(context, column ~ ' between ' ~ bounds[0] ~ ' and ' ~ bounds[1],
      "'between " ~ bounds[0] ~ " and " ~ bounds[1] ~ "'", checks_number(column), model,
      column ~ ' < ' ~ bounds[0] ~ ' or ' ~ column ~ ' > ' ~ bounds[1])) -%}
{%- endfor -%}
{%- for column, pattern in matches_regex.items() -%}
  {%- do rules.append(checks_rule(context, column ~ ' is well formed', "'matches " ~ pattern | replace("'", "''") ~ "'",
      'cast(' ~ column ~ ' as varchar)', model,
      column ~ " is not null and not regexp_full_match(" ~ column ~ ", '" ~ pattern ~ "')")) -%}
{%- endfor -%}
{%- for identity in sum_equals -%}
  {%- set parts = identity.parts -%}
  {%- set zeroed = [] -%}
  {%- for part in parts -%}{%- do zeroed.append('coalesce(' ~ part ~ ', 0)') -%}{%- endfor -%}
  {%- set total = '(' ~ zeroed | join(' + ') ~ ')' -%}
  {%- do rules.append(checks_rule(context, identity.column ~ ' = ' ~ parts | join(' + '),
      "'" ~ parts | join(' + ') ~ " = ' || " ~ checks_number(total), checks_number(identity.column), model,
      identity.column ~ ' is not null and coalesce(' ~ parts | join(', ') ~ ') is not null and abs('
      ~ identity.column ~ ' - ' ~ total ~ ') > ' ~ identity.get('tolerance', 0.05))) -%}
{%- endfor %}
{%- for sql in rules %}
{{ sql }}{% if not loop.last %}
union all{% endif %}
{%- endfor %}
{% endtest %}
