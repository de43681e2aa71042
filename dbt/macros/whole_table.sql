{#- The project's table materialization (every model with materialized='table': the whole-table marts, quality
    tables and the intermediate tables computed once a run), in place of dbt-duckdb's: one statement, `create or
    replace table … as`, in one transaction. dbt-duckdb's builds a temporary table, looks up the target's indexes,
    renames the target to a backup, renames the temporary table, drops the backup (five statements and their events
    a model, ≈ 20 ms of dbt's own work each); it also handles foreign keys, indexes, grants, partitioning and contracts,
    which no model of this project sets. A statement that fails leaves the table as it was (DuckDB: atomic). -#}
{% materialization table, adapter='duckdb' %}
    {%- set target = this.incorporate(type='table') -%}
    {%- set existing = load_cached_relation(this) -%}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {%- call statement('main') -%}
        {%- if existing is not none and existing.type != 'table' %}
        drop {{ existing.type }} {{ existing }};
        {%- endif %}
        create or replace table {{ target }} as (
            {{ sql }}
        );
    {%- endcall -%}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {% do persist_docs(target, model) %}
    {% do adapter.commit() %}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target]}) }}
{% endmaterialization %}
