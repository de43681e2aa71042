{#- Helpers of the generic test `checks` (tests/generic/checks.sql): one failing-row query per rule. -#}
{#- The columns that say which row failed, from the model's columns: the documented ones (the graph, no query; every
    mart documents all its columns), else the relation's (at run time); NULL where the model has none. -#}
{% macro checks_row_context(model) %}
  {%- set present = [] -%}
  {%- if execute -%}
    {%- set nodes = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model')
                    | selectattr('name', 'equalto', model.identifier) | list -%}
    {%- set documented = nodes[0].columns.keys() | list if nodes else [] -%}
    {%- for column in documented or adapter.get_columns_in_relation(model) | map(attribute='name') -%}
      {%- do present.append(column | lower) -%}
    {%- endfor -%}
  {%- endif -%}
  {#- next to a page, `line` is the line in the file, not what the row is (fct_budget_vs_final's line is a code) -#}
  {%- if 'page' in present and 'line' in present -%}{%- do present.remove('line') -%}{%- endif -%}
  {%- set what = [] -%}
  {%- for column in ['table_family', 'scope', 'line', 'source', 'item', 'category', 'code', 'function_code',
                     'economic_code', 'name', 'function_name', 'economic_name', 'row_label', 'fact_key',
                     'project_name', 'indicator_name', 'check_name', 'canonical_name', 'alias'] -%}
    {%- if column in present -%}{%- do what.append('cast(' ~ column ~ ' as varchar)') -%}{%- endif -%}
  {%- endfor -%}
  {%- set file = 'file' if 'file' in present else ('path' if 'path' in present else 'null') -%}
  {{- return({
      'report_id': 'cast(report_id as varchar)' if 'report_id' in present else 'cast(null as varchar)',
      'what': "nullif(concat_ws(' ', " ~ what | join(', ') ~ "), '')" if what else 'cast(null as varchar)',
      'file': 'cast(' ~ file ~ ' as varchar)',
      'page': 'cast(page as integer)' if 'page' in present else 'cast(null as integer)'}) -}}
{% endmacro %}


{% macro checks_rule(context, check, expected, actual, relation, condition) %}
  {{- return("select '" ~ check | replace("'", "''") ~ "' as rule, " ~ context.report_id ~ " as report_id, "
      ~ context.what ~ " as what, " ~ expected ~ " as expected, " ~ actual ~ " as actual, " ~ context.file
      ~ " as file, " ~ context.page ~ " as page from " ~ relation ~ " where " ~ condition) -}}
{% endmacro %}


{% macro checks_number(expression) %}
  {{- return("coalesce(printf('%.2f', " ~ expression ~ "), 'blank')") -}}
{% endmacro %}
