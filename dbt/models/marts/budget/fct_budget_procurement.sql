-- A budget's 政府采购 table (政府采购支出预算表 / 政府采购预算明细表 / 政府采购（资产配置、购买服务）预算表): one row
-- per budget report x row below its 合计, in printed order. The tables differ: by 品目 category (江苏: 一、货物 / 三、服务
-- with the items under them; 重庆: A 货物, C 服务 by source of funds), by function code (烟台, by source of funds), by
-- unit and item with its 数量 (西安). procurement_kind is the category the row is printed under (its own where it is one). The
-- table's 合计 is fct_budget_summary.procurement_budget (procurement_budget_source = 'table'). 万元; quantity as printed.
{{ report_mart() }}
with lines as (
    select *
    from {{ ref('int_budget_rows') }}
    where table_family = 'budget_procurement'
      and item is distinct from 'total'
),

categorised as (
    select
        *,
        case regexp_extract(name_as_printed, '^(?:[一二三四五六七八九十]+、)?\s*[A-C]?\s*(货物|工程|服务)类?\s*[A-C]?$', 1)
            when '货物' then 'goods' when '工程' then 'works' when '服务' then 'services'
        end as own_kind
    from lines
)

select
    {{ report_columns('r') }},
    b.row_index,
    trim(b.row_label) as name,
    b.code as function_code,
    b.level,
    last_value(b.own_kind ignore nulls) over (partition by b.report_id order by b.row_index) as procurement_kind,
    b.own_kind is not null as is_category,
    b.quantity,
    b.total,
    b.fiscal_appropriation,
    b.general_budget,
    b.government_fund,
    b.state_capital,
    b.fiscal_special_account,
    b.public_service_revenue,
    b.business_revenue,
    b.superior_subsidy,
    b.affiliated_remittance,
    b.other_revenue,
    b.carryover_begin,
    b.non_appropriation_surplus_used,
    b.unit_funds,
    b.table_unit,
    b.file,
    b.page,
    b.line
from categorised as b
inner join {{ ref('int_reports_preferred') }} as r using (report_id)
where {{ reports_to_build('r.report_id') }}
