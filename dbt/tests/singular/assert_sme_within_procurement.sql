-- DOMAIN identity 6: SME ≤ procurement total; 小微 ≤ SME; goods + works + services = total (within 0.05).
-- A report's own inconsistency: warns.
{{ config(severity='warn') }}
select report_id, 'sme_amount > total' as failure from {{ ref('fct_procurement') }} where sme_amount > total + 0.05
union all
select report_id, 'small_micro_amount > sme_amount' from {{ ref('fct_procurement') }}
where small_micro_amount > sme_amount + 0.05
union all
select report_id, 'goods + works + services <> total' from {{ ref('fct_procurement') }}
where total is not null and coalesce(goods, works, services) is not null
  and abs(total - (coalesce(goods, 0) + coalesce(works, 0) + coalesce(services, 0))) > 0.05
