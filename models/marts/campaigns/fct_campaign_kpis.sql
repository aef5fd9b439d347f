-- one row per campaign: delivery, engagement, conversion and money counts with their rates
with

campaigns as (
    select * from {{ ref('stg_campaigns') }}
),

recipients as (
    select * from {{ ref('int_campaign_recipients') }}
),

recipient_counts as (
    select
        campaign_id,
        {{ campaign_kpi_counts() }}
    from recipients
    group by campaign_id
),

counted as (
    select
        campaigns.campaign_id,
        campaigns.campaign_name,
        campaigns.sent_at,
        campaigns.experiment_id,
        campaigns.variant,
        campaigns.planned_share,
        campaigns.cost,
        coalesce(recipient_counts.sent, 0) as sent,
        coalesce(recipient_counts.delivered, 0) as delivered,
        coalesce(recipient_counts.bounced, 0) as bounced,
        coalesce(recipient_counts.hard_bounces, 0) as hard_bounces,
        coalesce(recipient_counts.soft_bounces, 0) as soft_bounces,
        coalesce(recipient_counts.unique_opens, 0) as unique_opens,
        coalesce(recipient_counts.machine_opens, 0) as machine_opens,
        coalesce(recipient_counts.unique_clicks, 0) as unique_clicks,
        coalesce(recipient_counts.conversions, 0) as conversions,
        coalesce(recipient_counts.unsubscribes, 0) as unsubscribes,
        coalesce(recipient_counts.complaints, 0) as complaints,
        coalesce(recipient_counts.forwards, 0) as forwards,
        coalesce(recipient_counts.revenue, 0) as revenue
    from campaigns
    left join recipient_counts
        on campaigns.campaign_id = recipient_counts.campaign_id
),

rated as (
    select
        *,
        {{ campaign_kpi_rates() }}
    from counted
)

select * from rated
