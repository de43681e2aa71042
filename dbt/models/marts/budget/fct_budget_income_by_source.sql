-- A budget's income by source of funds (资金来源): one row per budget report x source, in 万元 (元 converted), a
-- source printed blank NULL. Sources are named alike in every family (macro budget_sources). Read from the first of:
-- 'income_table'       the 收入总表's 合计 row where it prints its sources as columns (a table without a 合计 row and
--                      a single row: that row, 深圳's unit);
-- 'income_table_lines' a 收入总表 printing its sources down the page with one 金额 column (江苏 公开02表): its
--                      first-level lines (一般公共预算资金, 其他资金 …), each named by its printed name (printed_source);
-- 'summary'            the income side of the 收支总表 (its lines named by BUDGET_SUMMARY_ITEMS);
-- 'narrative'          the 收入预算 the narrative states, line by line (北京 publishes its tables in a file of its own).
-- income_total is the printed total the counted sources add up to: the 收入总表's 合计 (上年结转 included where it is a
-- column), else the 收支总表's 本年收入合计 (else its 总计); counted_in_total is false for a part of another source.
{{ report_mart() }}
with income_cells as (
    select *
    from {{ ref('stg_table_cells') }}
    where table_family = 'budget_income'
),

shapes as (
    select
        report_id,
        coalesce(bool_or(item = 'total'), false) as has_total_row,
        count(distinct row_index) as rows_printed,
        bool_or(column_name <> 'total') as prints_source_columns,
        bool_or(column_name = 'fiscal_appropriation' and value is not null) as has_appropriation
    from income_cells
    group by report_id
),

table_lines as (
    select c.*, s.has_appropriation
    from income_cells as c
    inner join shapes as s using (report_id)
    where s.prints_source_columns
      and c.code is null
      and (c.item = 'total' or (not s.has_total_row and s.rows_printed = 1))
),

from_table as (
    select
        l.report_id,
        l.column_name as source,
        l.value as amount,
        cast(null as varchar) as source_as_printed,
        {{ source_counted('l.column_name', 'l.has_appropriation') }} as counted_in_total,
        t.value as income_total,
        l.file,
        l.page,
        l.line
    from table_lines as l
    inner join table_lines as t on t.report_id = l.report_id and t.column_name = 'total'
    where l.column_name in ({{ "'" ~ budget_sources() | join("', '") ~ "'" }})
),

from_lines as (
    select
        c.report_id,
        {{ printed_source('c.row_label') }} as source,
        c.value as amount,
        c.row_label as source_as_printed,
        true as counted_in_total,
        t.value as income_total,
        c.file,
        c.page,
        c.line
    from income_cells as c
    inner join shapes as s using (report_id)
    inner join income_cells as t on t.report_id = c.report_id and t.item = 'total' and t.column_name = 'total'
    where not s.prints_source_columns
      and c.column_name = 'total'
      and c.code is null
      and c.item is null
      and c.level = 1
      and {{ printed_source('c.row_label') }} is not null
),

summary as (
    select
        b.*,
        {{ summary_item_source('b.item') }} as source,
        bool_or(b.item = 'fiscal_appropriation') over (partition by b.report_id) as has_appropriation,
        coalesce(
            max(coalesce(b.amount, b.total)) filter (where b.item = 'income_total') over (partition by b.report_id),
            max(coalesce(b.amount, b.total)) filter (where b.item = 'grand_total') over (partition by b.report_id)
        ) as income_total
    from {{ ref('int_budget_rows') }} as b
    where b.table_family = 'budget_summary'
      and b.side = 'income'
),

from_summary as (
    select
        report_id,
        source,
        coalesce(amount, total) as amount,
        name_as_printed as source_as_printed,
        source <> 'carryover_begin' and {{ source_counted('source', 'has_appropriation') }} as counted_in_total,
        income_total,
        file,
        page,
        line
    from summary
    where source in ({{ "'" ~ budget_sources() | join("', '") ~ "'" }})
),

narrative as (
    select
        f.*,
        bool_or(f.qualifier = 'fiscal_appropriation') over (partition by f.report_id) as has_appropriation,
        max(f.value) filter (where f.fact_key = 'income_budget') over (partition by f.report_id) as income_total
    from {{ ref('stg_narrative_facts') }} as f
    where f.fact_key in ('income_budget', 'income_source_budget')
      and f.basis = 'reported'
),

from_narrative as (
    select
        report_id,
        qualifier as source,
        value as amount,
        original as source_as_printed,
        {{ source_counted('qualifier', 'has_appropriation') }} as counted_in_total,
        income_total,
        file,
        page,
        line
    from narrative
    where fact_key = 'income_source_budget'
),

candidates as (
    select *, 'income_table' as basis, 1 as preference from from_table
    union all
    select *, 'income_table_lines' as basis, 2 as preference from from_lines
    union all
    select *, 'summary' as basis, 3 as preference from from_summary
    union all
    select *, 'narrative' as basis, 4 as preference from from_narrative
),

chosen as (
    select *
    from candidates
    qualify preference = min(preference) filter (where amount is not null) over (partition by report_id)
)

select
    {{ report_columns('r') }},
    c.source,
    c.amount,
    c.counted_in_total,
    c.income_total,
    c.basis,
    c.source_as_printed,
    c.file,
    c.page,
    c.line
from chosen as c
inner join {{ ref('int_reports_preferred') }} as r using (report_id)
where {{ reports_to_build('r.report_id') }}
qualify row_number() over (partition by c.report_id, c.source order by c.page, c.line) = 1
