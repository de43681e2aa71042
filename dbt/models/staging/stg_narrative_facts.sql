select
    report_id,
    fact_key,
    qualifier,
    value::double as value,
    unit,
    original,
    fiscal_year,
    basis,
    file,
    page,
    line
from {{ source('raw', 'narrative_facts') }}
