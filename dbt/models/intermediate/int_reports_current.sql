-- The reports the marts are built from: per file path the current version (is_current; if the loader ever marks
-- two versions current, the one seen last), keeping only status = 'loaded'. The same bytes at two paths share a
-- report_id: keep one row per report_id.
with current_per_path as (
    select *
    from {{ ref('stg_report_files') }}
    where is_current
    qualify row_number() over (partition by path order by last_seen desc, report_id) = 1
),

loaded as (
    select *
    from current_per_path
    where status = 'loaded'
    qualify row_number() over (partition by report_id order by path) = 1
)

select
    l.report_id,
    l.path,
    l.sha256,
    l.format,
    l.department_as_printed,
    coalesce(n.canonical_name, l.department_as_printed) as department,
    n.department_id,
    l.year,
    l.kind,
    l.pages,
    l.table_rows,
    l.first_seen,
    l.last_seen
from loaded as l
left join {{ ref('int_department_names') }} as n
    on n.name_key = {{ name_key('l.department_as_printed') }}
