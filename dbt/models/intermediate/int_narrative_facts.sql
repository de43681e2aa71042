-- One figure per report x fact_key from the narrative: the reported value, else a derived one (never a
-- comparative, i.e. prior-year, value). Among candidates: no qualifier first, then the first printed; facts printed
-- on the same line are ordered by qualifier, value and text, so a rebuild and an incremental run pick the same one.
-- Amounts given in 元 are converted to 万元.
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
qualify row_number() over (
    partition by report_id, fact_key
    order by case basis when 'reported' then 1 else 2 end, qualifier is not null, page, line, qualifier, value, original
) = 1
