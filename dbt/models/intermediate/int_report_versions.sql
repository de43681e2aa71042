-- Every current loaded report ranked among the versions of its department-year-kind (a re-issued or corrected
-- report at another path). The preferred version is chosen from the files alone, never from load history, so a
-- warehouse rebuilt from the same raw/ makes the same choice:
--   1. the better read: more standard tables read, then more cells read, then fewer checks not run;
--   2. then the later date the report prints as its own (raw.report_files.printed_date; a report without one last);
--   3. then the path that sorts last (a re-issue is usually named after the original: '…_更正', 'v2').
-- preference_reason says which rule decided, compared with the runner-up (preferred) or with the preferred
-- version (superseded).
-- A table, computed once a run: every per-report mart, its hooks and the versions read it.
{{ config(materialized='table') }}
with reports as (
    select
        r.*,
        coalesce(r.department_id, 'report:' || r.report_id) as identity_key,
        f.printed_date,
        coalesce(f.checks_not_run, 0) as checks_not_run
    from {{ ref('int_reports_current') }} as r
    inner join {{ ref('stg_report_files') }} as f
        on f.report_id = r.report_id and f.path = r.path
),

tables_read as (
    select report_id, count(*) as tables_read
    from {{ ref('stg_report_tables') }}
    where not is_empty
    group by report_id
),

cells_read as (
    select report_id, count(*) as cells_read
    from {{ ref('stg_table_cells') }}
    where cell_status = 'value'
    group by report_id
),

measured as (
    select
        r.*,
        coalesce(t.tables_read, 0) as tables_read,
        coalesce(c.cells_read, 0) as cells_read
    from reports as r
    left join tables_read as t using (report_id)
    left join cells_read as c using (report_id)
),

ranked as (
    select
        *,
        row_number() over version_order as version_rank,
        count(*) over (partition by identity_key, year, kind) as versions_in_year
    from measured
    window version_order as (
        partition by identity_key, year, kind
        order by tables_read desc, cells_read desc, checks_not_run, printed_date desc nulls last, path desc, report_id
    )
),

compared as (
    -- each version next to the one it is compared with: the runner-up for the preferred, the preferred otherwise
    select
        v.*,
        o.report_id as other_report_id,
        (v.tables_read, v.cells_read, v.checks_not_run) is distinct from (o.tables_read, o.cells_read, o.checks_not_run)
            as read_differs,
        v.printed_date is distinct from o.printed_date as date_differs
    from ranked as v
    left join ranked as o
        on o.identity_key = v.identity_key and o.year = v.year and o.kind = v.kind
       and o.version_rank = case when v.version_rank = 1 then 2 else 1 end
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
    tables_read,
    cells_read,
    checks_not_run,
    printed_date,
    version_rank,
    versions_in_year,
    version_rank = 1 as is_preferred,
    first_value(report_id) over (
        partition by identity_key, year, kind order by version_rank
    ) as preferred_report_id,
    case
        when versions_in_year = 1 then 'only_version'
        when version_rank = 1 and read_differs then 'better_read'
        when version_rank = 1 and date_differs then 'later_printed_date'
        when version_rank = 1 then 'path_sorts_last'
        when read_differs then 'superseded_worse_read'
        when date_differs then 'superseded_earlier_printed_date'
        else 'superseded_path_sorts_earlier'
    end as preference_reason
from compared
