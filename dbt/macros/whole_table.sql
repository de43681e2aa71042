{#- The project's table materialization (every model with materialized='table': the whole-table marts, quality
    tables and the intermediate tables computed once a run), in place of dbt-duckdb's: one statement, `create or
    replace table … as`, which DuckDB commits by itself (no BEGIN and COMMIT around it: two statements and their
    events fewer a model); replacing a view (or another kind of relation) takes two, `drop` and `create`, in one
    transaction. dbt-duckdb's builds a temporary table, looks up the target's indexes, renames the target to a
    backup, renames the temporary table, drops the backup (five statements and their events a model, ≈ 20 ms of dbt's
    own work each); it also handles foreign keys, indexes, grants, partitioning and contracts, which no model of this
    project sets. A statement that fails leaves the table as it was (DuckDB: atomic). -#}
{% materialization table, adapter='duckdb' %}
    {%- set target = this.incorporate(type='table') -%}
    {%- set existing = load_cached_relation(this) -%}
    {%- set replaces_other = existing is not none and existing.type != 'table' -%}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {%- call statement('main', auto_begin=replaces_other) -%}
        {%- if replaces_other %}
        drop {{ existing.type }} {{ existing }};
        {%- endif %}
        create or replace table {{ target }} as (
            {{ sql }}
        );
    {%- endcall -%}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {% do persist_docs(target, model) %}
    {% do adapter.commit() %}  {#- only if a transaction is open (dbt-duckdb's commit_if_has_connection) -#}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target]}) }}
{% endmaterialization %}
