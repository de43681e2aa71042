-- Basic expenditure of general-budget appropriations by economic code (一般公共预算财政拨款基本支出决算表), one row
-- per report x economic_code. category is the panel the row was printed in; when the parser could not tell,
-- 类 301 / 303 (and their 款) are personnel (人员经费), every other class public (公用经费).
{{ report_mart() }}
select
    {{ report_columns('r') }},
    e.code as economic_code,
    e.name_as_printed as economic_name,
    e.level,
    e.parent_code,
    coalesce(
        e.category,
        case when left(e.code, 3) in ('301', '303') then 'personnel' else 'public' end
    ) as category,
    e.category is null as category_inferred,
    e.amount,
    e.file,
    e.page,
    e.line
from {{ ref('int_economic_rows') }} as e
inner join {{ ref('int_reports_preferred') }} as r using (report_id)
where {{ reports_to_build('r.report_id') }}
