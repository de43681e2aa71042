-- One figure per report x fact_key from the narrative: the reported value, else a derived one (never a
-- comparative, i.e. prior-year, value). Among candidates: no qualifier first, then the first printed; facts printed
-- on the same line are ordered by qualifier, value and text, so a rebuild and an incremental run pick the same one.
-- Amounts given in 元 are converted to 万元.
-- Built per current report (macros/report_marts.sql): a view here was evaluated whole — a window over every
-- report's facts — by its test and by each model reading it on every run.
{{ report_mart() }}
select
    report_id,
    fact_key,
    case when unit = '元' then value / 10000.0 else value end as value,
    case when unit = '元' then '万元' else unit end as unit,
    basis,
    qualifier,
    original,
    file,
    page,
    line
from {{ ref('int_report_narrative_facts') }}
where basis in ('reported', 'derived')
  and report_id in (select report_id from {{ ref('int_report_fingerprints') }})
  and {{ reports_to_build('report_id') }}
qualify row_number() over (
    partition by report_id, fact_key
    order by case basis when 'reported' then 1 else 2 end, qualifier is not null, page, line, qualifier, value, original
) = 1
