{#- Headline figures compared across departments and years: (column of fct_department_year, narrative fact key
    whose stated change *_change_amount / *_change_pct is about the same figure (or none), unit). The narrative's
    income_total is 收入总计 (= 本年收入合计 + 年初结转和结余), so its stated change is checked on grand_total. -#}
{% macro comparison_metrics() -%}
    {{ return([
        ('income_total', none, '万元'),
        ('grand_total', 'income_total', '万元'),
        ('expenditure_total', 'expenditure_total', '万元'),
        ('basic_total', 'expenditure_basic', '万元'),
        ('project_total', 'expenditure_project', '万元'),
        ('carryover_begin', none, '万元'),
        ('carryover_end', 'carryover_end', '万元'),
        ('agency_operating_cost', 'agency_operating_cost', '万元'),
        ('three_public_total', 'three_public_total', '万元'),
        ('procurement_total', 'procurement_total', '万元'),
        ('sme_share_pct', none, '%'),
        ('mean_project_score', none, 'points'),
    ]) }}
{%- endmacro %}

{#- Budget figures of fct_department_year ranked beside the final's (same shape as comparison_metrics). -#}
{% macro budget_metrics() -%}
    {{ return([
        ('budget_expenditure_total', none, '万元'),
        ('budget_execution_pct', none, '%'),
        ('three_public_budget', none, '万元'),
        ('agency_operating_cost_budget', none, '万元'),
        ('procurement_budget', none, '万元'),
    ]) }}
{%- endmacro %}
