-- Every current loaded report with the department-year it covers, and which report is used where one
-- department-year has several (a re-issued / corrected report at another path). The later one wins:
--   1. the file version first seen later (raw.report_files.first_seen: a corrected report dropped into raw/
--      after the original was loaded), then
--   2. the path that sorts last (same run: e.g. 'reissued/…' or '…_更正.txt' after the original name).
-- Both versions are kept here and in the per-report marts (fct_report_summary, …); the comparison marts
-- (fct_department_year and the marts built on it) use only is_preferred reports.
with reports as (
    select
        r.*,
        coalesce(r.department_id, 'report:' || r.report_id) as identity_key
    from {{ ref('int_reports_current') }} as r
),

ranked as (
    select
        *,
        row_number() over (partition by identity_key, year, kind order by first_seen desc, path desc) as version_rank,
        count(*) over (partition by identity_key, year, kind) as versions_in_year,
        first_value(report_id) over (
            partition by identity_key, year, kind order by first_seen desc, path desc
        ) as preferred_report_id,
        first_value(first_seen) over (
            partition by identity_key, year, kind order by first_seen desc, path desc
        ) as preferred_first_seen
    from reports
)

select
    report_id,
    department_id,
    department,
    year,
    kind,
    department_as_printed,
    path,
    format,
    version_rank,
    versions_in_year,
    version_rank = 1 as is_preferred,
    preferred_report_id,
    case
        when versions_in_year = 1 then 'only_version'
        when version_rank = 1 and first_seen > (
            select max(o.first_seen) from reports as o
            where o.identity_key = ranked.identity_key and o.year = ranked.year and o.kind = ranked.kind
              and o.report_id <> ranked.report_id
        ) then 'first_seen_later'
        when version_rank = 1 then 'path_sorts_last'
        when first_seen < preferred_first_seen then 'superseded_first_seen_earlier'
        else 'superseded_path_sorts_earlier'
    end as preference_reason
from ranked
