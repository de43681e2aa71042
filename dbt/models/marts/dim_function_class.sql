-- Function classification (支出功能分类科目): codes of the reference list (seeds/observed_classification_codes.csv)
-- UNION codes printed in loaded reports. Name: the reference name of the latest year it was seen, else the name
-- printed in the latest report.
{{ classification_dim('function', ['income', 'expenditure', 'general_budget_expenditure', 'government_fund', 'state_capital'],
                       ['project_expenditure', 'project_income_expenditure']) }}
