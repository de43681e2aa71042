-- 政府采购: one row per report, from the narrative (reported value, else derived). Amounts in 万元, shares in %.
-- An impossible figure is not emitted (NULL here, its key listed in withheld_keys): a share outside 0–100 %, or a
-- derived SME amount above the procurement total (Σ of 预留/非预留 amounts that the report's own total
-- contradicts). It stays in raw.narrative_facts, and its failed check (narrative.share_at_most_100.*,
-- narrative.sme_within_total) in quality.reconciliation and quality.report_check_failures.
{{ report_mart() }}
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
{%- set tolerance = 0.05 %}
with candidates as (
    select
        *,
        max(value) filter (where fact_key = 'procurement_total') over (partition by report_id) as procurement_total
    from {{ ref('int_narrative_facts') }}
    where fact_key in ({% for col, key in keys %}'{{ key }}'{% if not loop.last %}, {% endif %}{% endfor %})
),

facts as (
    select
        *,
        coalesce(
            (unit = '%' and (value < 0 or value > 100 + {{ tolerance }}))
            or (fact_key = 'sme_amount' and basis = 'derived' and value > procurement_total + {{ tolerance }}),
            false
        ) as impossible
    from candidates
),

wide as (
    select
        report_id,
        {%- for col, key in keys %}
        max(value) filter (where fact_key = '{{ key }}' and not impossible) as {{ col }},
        {%- endfor %}
        list(fact_key order by fact_key) filter (where basis = 'derived' and not impossible) as derived_keys,
        list(fact_key order by fact_key) filter (where impossible) as withheld_keys,
        count(*) as facts,
        min_by(file, (page, line)) as file,
        min(page) as page,
        min_by(line, (page, line)) as line
    from facts
    group by report_id
)

select
    {{ report_columns('r') }},
    {%- for col, key in keys %}
    w.{{ col }},
    {%- endfor %}
    coalesce(w.derived_keys, []) as derived_keys,
    coalesce(w.withheld_keys, []) as withheld_keys,
    coalesce(w.facts, 0) > 0 as stated,
    w.file,
    w.page,
    w.line
from {{ ref('int_reports_preferred') }} as r
left join wide as w using (report_id)
where {{ reports_to_build('r.report_id') }}
