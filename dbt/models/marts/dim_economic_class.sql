-- Economic classification (部门预算支出经济分类科目) of basic expenditure: reference codes UNION codes printed
-- in loaded reports.
{{ classification_dim('economic') }}
