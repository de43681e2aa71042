-- Function classification (支出功能分类科目): codes of the reference list (seeds/observed_classification_codes.csv)
-- UNION codes printed in loaded reports. Name: the reference name of the latest year it was seen, else the name
-- printed in the latest report.
{{ classification_dim('function') }}
