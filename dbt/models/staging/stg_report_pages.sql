select
    report_id,
    page,
    page_status,
    chars,
    cid_glyphs,
    replacement_chars
from {{ source('raw', 'report_pages') }}
