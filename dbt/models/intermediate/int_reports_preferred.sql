-- The reports every fct_* mart is built from: one per department-year-kind, the preferred version
-- (int_report_versions). The other versions stay in raw.* and marts.dim_report_version.
-- A table, computed once a run: every per-report mart joins it (as a view, each of them evaluated the chain of
-- int_reports_current and int_department_names again, ≈ 40 ms of CPU a mart for 1,000 reports). Without the times
-- the loader last saw a file (first_seen, last_seen: no mart carries them, and a run that skips dbt leaves them).
{{ config(materialized='table') }}
select r.* exclude (first_seen, last_seen)
from {{ ref('int_reports_current') }} as r
inner join {{ ref('int_report_versions') }} as v using (report_id)
where v.is_preferred
