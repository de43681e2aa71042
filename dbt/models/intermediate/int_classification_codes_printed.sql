-- Every classification code (支出功能分类 / 经济分类) a current report prints in a table family of
-- classification_families (macros/classification_dim.sql), once per report, family, code and name as printed (the
-- row label without its code): what the classification dimensions read of the reports. Built per report
-- (macros/report_marts.sql): an incremental run reads the changed reports' cells only, where the dimensions read
-- every report's cells on every run.
{{ report_mart() }}
select distinct
    r.report_id,
    r.year,
    c.table_family,
    c.code,
    {{ strip_code('c.row_label') }} as name
from {{ ref('stg_table_cells') }} as c
inner join {{ ref('int_reports_current') }} as r using (report_id)
where {{ family_in('c.table_family', classification_code_families()) }}
  and c.code is not null
  and regexp_matches(c.code, '^\d{3}(\d{2}){0,2}$')
  and {{ reports_to_build('r.report_id') }}
