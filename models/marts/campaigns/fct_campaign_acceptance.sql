-- one row per campaign offer and k-means segment: how many of the segment's customers accepted
with

responses as (
    select * from {{ ref('stg_campaign_responses') }}
),

segments as (
    select * from {{ ref('customer_segments') }}
),

by_segment as (
    select
        responses.campaign,
        segments.segment_id,
        segments.segment_name,
        count(*) as customers,
        count(case when responses.accepted then 1 end) as accepted_customers
    from responses
    inner join segments
        on responses.customer_id = segments.customer_id
    group by
        responses.campaign,
        segments.segment_id,
        segments.segment_name
),

with_campaign_rate as (
    select
        *,
        sum(accepted_customers) over (partition by campaign) as campaign_accepted_customers,
        sum(customers) over (partition by campaign) as campaign_customers
    from by_segment
),

rated as (
    select
        campaign,
        segment_id,
        segment_name,
        customers,
        accepted_customers,
        {{ safe_ratio('accepted_customers', 'customers') }} as acceptance_rate,
        {{ safe_ratio('campaign_accepted_customers', 'campaign_customers') }} as campaign_acceptance_rate,
        100 * {{ safe_ratio(
            safe_ratio('accepted_customers', 'customers'),
            safe_ratio('campaign_accepted_customers', 'campaign_customers')
        ) }} as acceptance_index
    from with_campaign_rate
)

select * from rated
