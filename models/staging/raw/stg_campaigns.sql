-- one row per usable campaign send
with

campaigns as (
    select * from {{ ref('base_campaigns') }}
    where rejection_reason is null
)

select
    campaign_id,
    campaign_name,
    sent_at,
    subject,
    cost,
    experiment_id,
    variant,
    planned_share
from campaigns
