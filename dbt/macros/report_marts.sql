{#- Per-report marts, built incrementally. A per-report mart (every fct_* whose rows each belong to one preferred
    report; the quality tables and intermediate tables whose rows each belong to one current report, preferred or
    not) records which fingerprint (int_report_fingerprints, one per current report) each report's rows were built
    from, in build_state.report_fingerprints. An incremental run deletes the rows of every report whose fingerprint
    is not the recorded one — changed, new, preferred or no longer preferred (superseded by another version),
    deleted or failed — and inserts the rows of the reports whose fingerprint changed or is new. A full build (first
    run, --full-refresh) builds every report and records them all; either way the table holds the same rows. -#}

{% macro state_table() -%}
    build_state.report_fingerprints
{%- endmacro %}

{#- Run at the start of every dbt invocation (dbt_project.yml on-run-start). -#}
{% macro create_state_table() -%}
    create schema if not exists build_state;
    create table if not exists {{ state_table() }} (model varchar not null, report_id varchar not null,
                                                    fingerprint varchar not null)
{%- endmacro %}

{#- The config of a per-report mart: call first in the model. -#}
{% macro report_mart() -%}
    {{ config(materialized='report_mart') }}
{%- endmacro %}

{#- The rows of a staging model, each under the report it belongs to: a file published apart from its report (a
    narrative part, int_report_versions.part_of_report_id) gives its rows to that report. -#}
{% macro rows_of_whole_report(model) -%}
    select coalesce(v.part_of_report_id, s.report_id) as report_id, s.*exclude (report_id)
    from {{ ref(model) }} as s
    left join {{ ref('int_report_versions') }} as v using (report_id)
{%- endmacro %}

{#- A per-report mart already built, and this run not a full refresh: only the changed reports are built. -#}
{% macro report_mart_is_incremental() -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set relation = adapter.get_relation(this.database, this.schema, this.identifier) -%}
    {{ return(relation is not none and relation.type == 'table' and not should_full_refresh()) }}
{%- endmacro %}

{#- The reports of this mart whose recorded fingerprint is still current: their rows stay. -#}
{% macro unchanged_reports() -%}
    select s.report_id
    from {{ state_table() }} as s
    inner join {{ ref('int_report_fingerprints') }} as f
        on f.report_id = s.report_id and f.fingerprint = s.fingerprint
    where s.model = '{{ this.identifier }}'
{%- endmacro %}

{#- The reports this run builds into the mart: none (every report: a full build), else those whose fingerprint
    changed or is new (one query a call: a model filtering several relations calls it once, and report_in). -#}
{% macro changed_reports() -%}
    {%- set fingerprints = ref('int_report_fingerprints') -%}  {#- at parse time too: the model depends on it -#}
    {%- if not report_mart_is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set changed = run_query(
        "select report_id from " ~ fingerprints ~ " where report_id not in (" ~ unchanged_reports()
        ~ ") order by report_id") -%}
    {{ return(changed.columns[0].values() | list) }}
{%- endmacro %}

{#- A predicate on ``column`` (a report_id) selecting ``reports`` (changed_reports(): none for every report), as a
    list of literals (DuckDB pushes a constant IN list down to the scans of the raw tables under the intermediate
    views; a semi-join it does not). Between two markers naming its column: the one per-run part of a per-report
    mart's compiled SQL, which a +1 run without dbt (gongkai.pipeline.dbt_model_batch) fills with that run's reports;
    changed_reports()'s list goes into a model's SQL through here only. -#}
{% macro report_in(reports, column) -%}
    /* gongkai:report_in {{ column }} */ {% if reports is none -%}
        true
    {%- elif reports | length == 0 -%}
        false
    {%- else -%}
        {{ column }} in ({% for id in reports %}'{{ id }}'{{ ", " if not loop.last }}{% endfor %})
    {%- endif %} /* gongkai:end */
{%- endmacro %}

{#- A predicate on ``column`` selecting the reports to build: every report in a full build, else those whose
    fingerprint changed or is new. -#}
{% macro reports_to_build(column) -%}
    {{ report_in(changed_reports(), column) }}
{%- endmacro %}

{#- After the new rows went in: this mart holds every preferred report at its current fingerprint. -#}
{% macro record_report_fingerprints() -%}
    delete from {{ state_table() }} where model = '{{ this.identifier }}';
    insert into {{ state_table() }}
    select '{{ this.identifier }}', report_id, fingerprint from {{ ref('int_report_fingerprints') }}
{%- endmacro %}

{#- The materialization of a per-report mart, in one statement batch and one transaction: a full build creates the
    table (replacing it); an incremental one deletes the rows of every report whose recorded fingerprint is not the
    current one (changed, new, no longer preferred, deleted, failed) and inserts the model's rows — those of the
    reports to build (reports_to_build) — by column name; either way the mart's fingerprints are recorded.
    dbt's own incremental materialization costs five more statements a model (a temporary table, two schema
    lookups, its drop): a changed model is a changed project version, which rebuilds every mart whole. -#}
{% materialization report_mart, adapter='duckdb' %}
    {%- set target = this.incorporate(type='table') -%}
    {%- set incremental = report_mart_is_incremental() -%}
    {%- set existing = adapter.get_relation(this.database, this.schema, this.identifier) -%}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {%- call statement('main') -%}
        {%- if incremental %}
        delete from {{ target }} where report_id is null or report_id not in ({{ unchanged_reports() }});
        insert into {{ target }} by name (
            {{ sql }}
        );
        {%- else %}
        {%- if existing is not none and existing.type != 'table' %}
        drop {{ existing.type }} {{ existing }};
        {%- endif %}
        create or replace table {{ target }} as (
            {{ sql }}
        );
        {%- endif %}
        {{ record_report_fingerprints() }}
    {%- endcall -%}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {% do adapter.commit() %}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target]}) }}
{% endmaterialization %}
