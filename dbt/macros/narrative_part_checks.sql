{#- The checks of a narrative published apart from its tables (int_report_versions.part_of_report_id): each amount it
    states (万元, as reported, unqualified) against the figure the report's tables print, given by ``table_figures``
    (report_id, fact_key, value); tolerance 0.02 (尾差). Columns as raw.reconciliation_checks, report_id first. -#}
{% macro narrative_part_checks(table_figures) -%}
    select
        n.report_id,
        'narrative.' || n.fact_key as check_name,
        'narrative' as category,
        p.value as expected,
        n.value as actual,
        round(n.value - p.value, 4) as difference,
        0.02 as tolerance,
        case when abs(n.value - p.value) <= 0.02 + 1e-9 then 'pass' else 'fail' end as status,
        'the narrative published apart from the tables (' || n.file || ')' as detail,
        n.file,
        n.page,
        n.line
    from {{ ref('int_report_narrative_facts') }} as n
    inner join {{ table_figures }} as p using (report_id, fact_key)
    where n.file_report_id <> n.report_id and n.basis = 'reported' and n.qualifier is null and n.unit = '万元'
{%- endmacro %}
