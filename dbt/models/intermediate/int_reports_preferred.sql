-- The reports every fct_* mart is built from: one per department-year-kind, the preferred version
-- (int_report_versions). The other versions stay in raw.* and marts.dim_report_version.
select r.*
from {{ ref('int_reports_current') }} as r
inner join {{ ref('int_report_versions') }} as v using (report_id)
where v.is_preferred
