-- one row per usable web session (customer_id null for anonymous sessions)
with

web_sessions as (
    select * from {{ ref('base_web_sessions') }}
    where rejection_reason is null
)

select
    session_id,
    customer_id,
    started_at,
    pages_viewed,
    traffic_source,
    device
from web_sessions
