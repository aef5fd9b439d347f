-- one row per usable email event
with

email_events as (
    select * from {{ ref('base_email_events') }}
    where rejection_reason is null
)

select
    event_id,
    campaign_id,
    customer_id,
    email,
    event_type,
    event_at,
    link_type,
    is_machine_open
from email_events
