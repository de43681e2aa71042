select
    path,
    sha256,
    error_kind,
    message as error_message,
    first_seen,
    last_seen
from {{ source('raw', 'ingest_errors') }}
