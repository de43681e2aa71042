-- Every current loaded report ranked among the versions of its department-year-kind (a re-issued or corrected
-- report at another path). The preferred version is chosen from the files alone, never from load history, so a
-- warehouse rebuilt from the same raw/ makes the same choice:
--   1. the better read: more standard tables read, then more cells read, then fewer checks not run;
--   2. then the later date the report prints as its own (raw.report_files.printed_date; a report without one last);
--   3. then the path that sorts last (a re-issue is usually named after the original: '…_更正', 'v2').
-- preference_reason says which rule decided, compared with the runner-up (preferred) or with the preferred
-- version (superseded).
-- A narrative published apart from its tables is a part of the report, not a version of it: a file that reads no
-- table but states narrative facts, beside a preferred file that reads tables but states no narrative fact
-- (a budget whose tables are a file of their own), is the narrative of that report (part_of_report_id,
-- preference_reason 'narrative_part'); int_report_narrative_facts files its facts under the report. It ranks after
-- the versions and is not counted among them.
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

facts_stated as (
    select report_id, count(*) as narrative_facts
    from {{ ref('stg_narrative_facts') }}
    where basis = 'reported'
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
        coalesce(c.cells_read, 0) as cells_read,
        coalesce(n.narrative_facts, 0) as narrative_facts
    from reports as r
    left join tables_read as t using (report_id)
    left join cells_read as c using (report_id)
    left join facts_stated as n using (report_id)
),

first_ranked as (
    select
        *,
        row_number() over (
            partition by identity_key, year, kind
            order by tables_read desc, cells_read desc, checks_not_run, printed_date desc nulls last, path desc,
                     report_id
        ) as first_rank
    from measured
),

narrative_parts as (
    -- the first-ranked file of narrative alone beside a preferred file of tables alone
    select v.report_id, p.report_id as part_of_report_id
    from first_ranked as v
    inner join first_ranked as p
        on p.identity_key = v.identity_key and p.year = v.year and p.kind = v.kind and p.first_rank = 1
    where v.first_rank > 1 and v.tables_read = 0 and v.narrative_facts > 0
      and p.tables_read > 0 and p.narrative_facts = 0
    qualify row_number() over (partition by p.report_id order by v.first_rank) = 1
),

ranked as (
    select
        f.*,
        n.part_of_report_id,
        row_number() over (
            partition by f.identity_key, f.year, f.kind order by n.part_of_report_id is not null, f.first_rank
        ) as version_rank,
        count(*) filter (where n.part_of_report_id is null) over (partition by f.identity_key, f.year, f.kind)
            as versions_in_year
    from first_ranked as f
    left join narrative_parts as n using (report_id)
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
    part_of_report_id,
    case
        when part_of_report_id is not null then 'narrative_part'
        when versions_in_year = 1 then 'only_version'
        when version_rank = 1 and read_differs then 'better_read'
        when version_rank = 1 and date_differs then 'later_printed_date'
        when version_rank = 1 then 'path_sorts_last'
        when read_differs then 'superseded_worse_read'
        when date_differs then 'superseded_earlier_printed_date'
        else 'superseded_path_sorts_earlier'
    end as preference_reason
from compared
