-- one row per campaign and recipients' current rfm_segment: the fct_campaign_kpis counts and rates
with

campaigns as (
    select * from {{ ref('stg_campaigns') }}
),

recipients as (
    select * from {{ ref('int_campaign_recipients') }}
),

customer_rfm as (
    select * from {{ ref('customer_rfm') }}
),

segmented_recipients as (
    select
        recipients.*,
        coalesce(customer_rfm.rfm_segment, 'Unknown') as rfm_segment
    from recipients
    left join customer_rfm
        on recipients.customer_id = customer_rfm.customer_id
),

segment_counts as (
    select
        campaign_id,
        rfm_segment,
        {{ campaign_kpi_counts() }}
    from segmented_recipients
    group by
        campaign_id,
        rfm_segment
),

-- the campaign's cost is shared out in proportion to the segment's recipients
counted as (
    select
        segment_counts.campaign_id,
        segment_counts.rfm_segment,
        campaigns.campaign_name,
        campaigns.sent_at,
        campaigns.experiment_id,
        campaigns.variant,
        segment_counts.sent,
        segment_counts.delivered,
        segment_counts.bounced,
        segment_counts.hard_bounces,
        segment_counts.soft_bounces,
        segment_counts.unique_opens,
        segment_counts.unique_clicks,
        segment_counts.conversions,
        segment_counts.unsubscribes,
        segment_counts.complaints,
        segment_counts.forwards,
        segment_counts.revenue,
        campaigns.cost * segment_counts.sent
        / sum(segment_counts.sent) over (partition by segment_counts.campaign_id) as cost
    from segment_counts
    inner join campaigns
        on segment_counts.campaign_id = campaigns.campaign_id
),

rated as (
    select
        *,
        {{ campaign_kpi_rates() }}
    from counted
)

select * from rated
