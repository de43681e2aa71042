-- Economic classification (部门预算支出经济分类科目) of basic expenditure: reference codes UNION codes printed
-- in loaded reports.
{{ classification_dim('economic', ['general_budget_basic_expenditure'],
                       ['appropriation_economic_detail', 'general_budget_economic_detail', 'agency_operating_cost',
                        'project_expenditure', 'project_income_expenditure']) }}
