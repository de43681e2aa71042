{{ config(severity='warn') }}
-- A later report's comparative (year − 1 figure) disagrees with the year's own report beyond tolerance
-- (quality.comparative_reconciliation). Warn only: two published reports disagree; nothing is fixed.
select * from {{ ref('comparative_reconciliation') }} where status = 'fail'
