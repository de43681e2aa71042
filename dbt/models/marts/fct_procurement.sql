-- 政府采购: one row per report, from the narrative (reported value, else derived). Amounts in 万元, shares in %.
{%- set keys = [
    ('total', 'procurement_total'), ('goods', 'procurement_goods'), ('works', 'procurement_works'),
    ('services', 'procurement_services'), ('sme_amount', 'sme_amount'), ('sme_share_pct', 'sme_share_pct'),
    ('small_micro_amount', 'small_micro_amount'), ('small_micro_share_pct', 'small_micro_share_pct'),
    ('sme_share_goods_pct', 'sme_share_goods_pct'), ('sme_share_works_pct', 'sme_share_works_pct'),
    ('sme_share_services_pct', 'sme_share_services_pct'), ('sme_reserved_amount', 'sme_reserved_amount'),
    ('small_micro_reserved_amount', 'small_micro_reserved_amount'), ('sme_won_in_reserved', 'sme_won_in_reserved'),
    ('small_micro_won_in_reserved', 'small_micro_won_in_reserved'),
    ('sme_won_outside_reserved', 'sme_won_outside_reserved'),
] %}
with facts as (
    select *
    from {{ ref('int_narrative_facts') }}
    where fact_key in ({% for col, key in keys %}'{{ key }}'{% if not loop.last %}, {% endif %}{% endfor %})
),

wide as (
    select
        report_id,
        {%- for col, key in keys %}
        max(value) filter (where fact_key = '{{ key }}') as {{ col }},
        {%- endfor %}
        list(fact_key order by fact_key) filter (where basis = 'derived') as derived_keys,
        count(*) as facts,
        min(file) as file,
        min(page) as page,
        min(line) as line
    from facts
    group by report_id
)

select
    {{ report_columns('r') }},
    {%- for col, key in keys %}
    w.{{ col }},
    {%- endfor %}
    coalesce(w.derived_keys, []) as derived_keys,
    coalesce(w.facts, 0) > 0 as stated,
    w.file,
    w.page,
    w.line
from {{ ref('int_reports_current') }} as r
left join wide as w using (report_id)
