-- one row per usable mailing-list event
with

subscriptions as (
    select * from {{ ref('base_subscriptions') }}
    where rejection_reason is null
)

select
    subscription_event_id,
    customer_id,
    email,
    event_type,
    event_at
from subscriptions
