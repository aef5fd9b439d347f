-- one row per customer and campaign offer: whether the customer accepted it
with

campaign_responses as (
    select * from {{ ref('base_campaign_responses') }}
    where rejection_reason is null
)

select
    customer_id,
    campaign,
    accepted = 1 as accepted
from campaign_responses
