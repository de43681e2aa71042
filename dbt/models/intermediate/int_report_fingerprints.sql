-- What a per-report mart's rows of a report are built from, as one hash per current report: the report's own
-- columns the marts carry (department as canonicalized, year, kind, path …), whether it is the preferred version
-- (or the narrative part of another: the fct_* marts hold the preferred ones only), the staged version of its raw rows
-- (raw.load_state: parser fingerprint and path), that of its narrative published apart (int_report_versions
-- part_of_report_id: a narrative file that arrives or changes rebuilds its report) and the dbt project's version
-- (GONGKAI_DBT_PROJECT_VERSION, a hash of the project's files set by the pipeline: a changed model or seed rebuilds
-- every report). A per-report mart rebuilds a report when this hash differs from the one it recorded
-- (macros/report_marts.sql).
-- A table, computed once a run: every per-report mart, its hooks and the versions read it.
{{ config(materialized='table') }}
with loaded as (
    select report_id, string_agg(parser || '|' || file, ';' order by file, parser) as load_version
    from {{ source('raw', 'load_state') }}
    group by report_id
),

narrative_parts as (
    select v.part_of_report_id as report_id, string_agg(l.load_version, ';' order by l.load_version) as load_version
    from {{ ref('int_report_versions') }} as v
    inner join loaded as l using (report_id)
    where v.part_of_report_id is not null
    group by v.part_of_report_id
)

select
    r.report_id,
    md5(to_json({
        'project': '{{ env_var("GONGKAI_DBT_PROJECT_VERSION", "") }}',
        'path': r.path, 'sha256': r.sha256, 'format': r.format, 'department_as_printed': r.department_as_printed,
        'department': r.department, 'department_id': r.department_id, 'year': r.year, 'kind': r.kind,
        'pages': r.pages, 'table_rows': r.table_rows, 'load_version': l.load_version,
        'narrative_part': p.load_version, 'is_preferred': v.is_preferred, 'part_of_report_id': v.part_of_report_id
    })::varchar) as fingerprint
from {{ ref('int_reports_current') }} as r
left join {{ ref('int_report_versions') }} as v using (report_id)
left join loaded as l using (report_id)
left join narrative_parts as p using (report_id)
