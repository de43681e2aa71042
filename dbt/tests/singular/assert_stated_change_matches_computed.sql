{{ config(severity='warn') }}
-- A report's stated change from last year (比上年增加/减少 …) disagrees with the difference of the two years'
-- figures (marts.fct_department_year_change). Warn only: the reports' own inconsistency.
select * from {{ ref('fct_department_year_change') }} where check_status = 'fail'
