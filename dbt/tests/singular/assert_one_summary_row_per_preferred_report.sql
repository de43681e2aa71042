{{ config(meta={'dagster': {'ref': {'name': 'fct_report_summary'}}}) }}
-- fct_report_summary and fct_procurement hold exactly one row per preferred report (one per department-year-kind).
select r.report_id, count(s.report_id) as summary_rows, count(p.report_id) as procurement_rows
from {{ ref('int_reports_preferred') }} as r
left join {{ ref('fct_report_summary') }} as s using (report_id)
left join {{ ref('fct_procurement') }} as p using (report_id)
group by r.report_id
having count(s.report_id) <> 1 or count(p.report_id) <> 1
