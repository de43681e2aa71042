-- The narrative facts of every loaded report, filed under the report they belong to: a narrative published apart
-- from its tables (int_report_versions.part_of_report_id) states the facts of the report whose tables it goes with.
-- file, page and line still name the file that prints each fact; file_report_id is that file's own report.
select
    coalesce(v.part_of_report_id, n.report_id) as report_id,
    n.report_id as file_report_id,
    n.fact_key,
    n.qualifier,
    n.value,
    n.unit,
    n.original,
    n.fiscal_year,
    n.basis,
    n.file,
    n.page,
    n.line
from {{ ref('stg_narrative_facts') }} as n
left join {{ ref('int_report_versions') }} as v using (report_id)
