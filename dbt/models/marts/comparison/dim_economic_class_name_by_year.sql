-- Economic classification names over the years: one row per code x year (name printed in that year's reports,
-- else the reference list's), with the code's canonical name (latest year's name, brackets normalized).
{{ classification_names_by_year('economic') }}
