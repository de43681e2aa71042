{#- Shared helpers for gongkai models. -#}

{#- A name with all whitespace removed: how printed department names are matched to the alias seed. -#}
{% macro name_key(expr) -%}
    regexp_replace(coalesce({{ expr }}, ''), '\s', '', 'g')
{%- endmacro %}

{#- A stable 16-hex-digit surrogate id from a text value. -#}
{% macro short_hash(expr) -%}
    substr(md5({{ expr }}), 1, 16)
{%- endmacro %}

{#- 1/2/3 (类/款/项) from the length of a classification code. -#}
{% macro code_level(code) -%}
    case length({{ code }}) when 3 then 1 when 5 then 2 when 7 then 3 end
{%- endmacro %}

{#- The parent of a 款 or 项 code (drop the last two digits); NULL for a 类. -#}
{% macro code_parent(code) -%}
    case when length({{ code }}) in (5, 7) then left({{ code }}, length({{ code }}) - 2) end
{%- endmacro %}

{#- A row label without its leading classification code ("2010301 行政运行" -> "行政运行"). -#}
{% macro strip_code(label) -%}
    nullif(trim(regexp_replace(coalesce({{ label }}, ''), '^\s*\d{3}(\s*\d{2}){0,2}\s*', '')), '')
{%- endmacro %}

{#- Columns of every function-coded table family, pivoted from raw.table_cells (see gongkai.extract.families). -#}
{% macro function_value_columns() -%}
    {{ return([
        'total', 'basic', 'project', 'remittance_to_superior', 'business', 'subsidy_to_affiliates',
        'fiscal_appropriation', 'superior_subsidy', 'public_service_revenue', 'business_revenue',
        'affiliated_remittance', 'other_revenue', 'carryover_begin', 'income', 'carryover_end'
    ]) }}
{%- endmacro %}

{#- Columns carried by every mart: the report and its department, year and kind. -#}
{% macro report_columns(alias='r') -%}
    {{ alias }}.report_id,
    {{ alias }}.department_id,
    {{ alias }}.department,
    {{ alias }}.year,
    {{ alias }}.kind
{%- endmacro %}

{#- coalesce(table value, narrative value) as <name>, plus <name>_source = 'table' | 'narrative' | NULL. -#}
{% macro prefer_table(table_expr, fact_expr, name) -%}
    coalesce({{ table_expr }}, {{ fact_expr }}) as {{ name }},
    case when {{ table_expr }} is not null then 'table' when {{ fact_expr }} is not null then 'narrative' end
        as {{ name }}_source,
{%- endmacro %}

{#- A classification name for comparison across years: whitespace removed, half-width brackets made full-width
    ("维修(护)费" and "维修（护）费" compare equal). -#}
{% macro normalize_class_name(expr) -%}
    replace(replace(regexp_replace(coalesce({{ expr }}, ''), '\s', '', 'g'), '(', '（'), ')', '）')
{%- endmacro %}

{#- The value columns of a budget's tables (budget_families.py): amounts, their parts, and the 三公 budgets. -#}
{% macro budget_value_columns() -%}
    {{ return([
        'amount', 'total', 'basic', 'project', 'personnel', 'public', 'reserve', 'general_budget', 'government_fund',
        'state_capital', 'fiscal_appropriation', 'fiscal_special_account', 'public_service_revenue',
        'business_revenue', 'superior_subsidy', 'affiliated_remittance', 'other_revenue', 'carryover_begin',
        'carryover_end', 'business', 'remittance_to_superior', 'subsidy_to_affiliates', 'budget', 'prior_year_budget',
        'tuition_revenue', 'non_appropriation_surplus_used', 'funding_appropriation', 'unit_funds', 'quantity'
    ]) }}
{%- endmacro %}

{#- The columns of a function-coded row of int_function_rows (alias f) in a mart: code, name, level, parent, the
    given amount columns, ambiguous cells and where it is printed. -#}
{% macro function_row_columns(amounts) -%}
    f.code as function_code,
    f.name_as_printed as function_name,
    f.level,
    f.parent_code,
    {%- for column in amounts %}
    f.{{ column }},
    {%- endfor %}
    f.ambiguous_cells,
    f.file,
    f.page,
    f.line
{%- endmacro %}
