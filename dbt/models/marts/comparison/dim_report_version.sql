-- Every current loaded report with its department-year-kind and whether it is the version the fct_* marts use
-- (int_report_versions: better read, then the later printed date, then the path that sorts last), with the reason.
select *
from {{ ref('int_report_versions') }}
