{#- Sources of funds (资金来源) of a budget, named alike in every family. The canonical names are the column keys of
    the 收入总表 (extract/budget_families.py INCOME_COLUMNS): general_budget (一般公共预算), government_fund (政府性基金),
    state_capital (国有资本经营), fiscal_appropriation (财政拨款: the three together, where printed as one),
    fiscal_special_account (财政专户管理资金), public_service_revenue (事业收入), business_revenue (事业单位经营收入),
    superior_subsidy (上级补助收入), affiliated_remittance (附属单位上缴收入), other_revenue (其他收入 / 其他资金),
    carryover_begin (上年结转 / 结余), non_appropriation_surplus_used (使用非财政拨款结余), unit_funds (单位资金), and two
    '其中' parts: tuition_revenue (教育收费, part of 事业收入), funding_appropriation (经费拨款, part of 财政拨款). -#}
{% macro budget_sources() -%}
    {{ return(['fiscal_appropriation', 'general_budget', 'government_fund', 'state_capital', 'fiscal_special_account',
               'public_service_revenue', 'business_revenue', 'superior_subsidy', 'affiliated_remittance',
               'other_revenue', 'carryover_begin', 'non_appropriation_surplus_used', 'unit_funds', 'tuition_revenue',
               'funding_appropriation']) }}
{%- endmacro %}

{#- The source a 收支总表's income line stands for (its item, read by BUDGET_SUMMARY_ITEMS): the item, with
    '<fund>_appropriation' named as the fund. -#}
{% macro summary_item_source(item) -%}
    case {{ item }}
        when 'general_budget_appropriation' then 'general_budget'
        when 'government_fund_appropriation' then 'government_fund'
        when 'state_capital_appropriation' then 'state_capital'
        else {{ item }}
    end
{%- endmacro %}

{#- The source a printed line name stands for (a 收入总表 printing its sources down the page, 江苏 公开02表:
    一般公共预算资金, 政府性基金, 财政专户管理资金, 其他资金, 上年结转和结余资金); NULL for a name of no source. -#}
{% macro printed_source(label) -%}
    case
        when regexp_matches({{ label }}, '一般公共预算') then 'general_budget'
        when regexp_matches({{ label }}, '政府性基金') then 'government_fund'
        when regexp_matches({{ label }}, '国有资本经营') then 'state_capital'
        when regexp_matches({{ label }}, '财政专户') then 'fiscal_special_account'
        when regexp_matches({{ label }}, '非财政拨款结余') then 'non_appropriation_surplus_used'
        when regexp_matches({{ label }}, '上年结[转余]|年初结转') then 'carryover_begin'
        when regexp_matches({{ label }}, '财政拨款|预算拨款') then 'fiscal_appropriation'
        when regexp_matches({{ label }}, '上级补助') then 'superior_subsidy'
        when regexp_matches({{ label }}, '附属单位上缴') then 'affiliated_remittance'
        when regexp_matches({{ label }}, '经营(服务)?收入') then 'business_revenue'
        when regexp_matches({{ label }}, '事业收入') then 'public_service_revenue'
        when regexp_matches({{ label }}, '其[他它](收入|资金)$') then 'other_revenue'
        when regexp_matches({{ label }}, '单位资金') then 'unit_funds'
    end
{%- endmacro %}

{#- Whether a source adds to its line's 合计 (extract/budget_reconciliation.summed_sources): not a '其中' part, nor a
    fund (一般公共预算 / 政府性基金 / 国有资本经营) where the line prints 财政拨款 (``has_appropriation``), its sum. -#}
{% macro source_counted(source, has_appropriation) -%}
    ({{ source }} not in ('tuition_revenue', 'funding_appropriation')
     and not ({{ has_appropriation }} and {{ source }} in ('general_budget', 'government_fund', 'state_capital')))
{%- endmacro %}
