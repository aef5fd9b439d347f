-- one row per campaign and recipient: delivery and engagement flags, credited orders and revenue
with

sends as (
    select * from {{ ref('int_campaign_sends') }}
),

order_credits as (
    select * from {{ ref('int_campaign_order_credits') }}
),

credits_per_send as (
    select
        campaign_id,
        customer_id,
        count(*) as credited_orders,
        {{ sum_money('order_amount') }} as credited_revenue
    from order_credits
    group by
        campaign_id,
        customer_id
),

joined as (
    select
        sends.campaign_id,
        sends.customer_id,
        sends.sent_at,
        sends.is_bounced,
        sends.is_hard_bounce,
        sends.is_soft_bounce,
        sends.is_delivered,
        sends.has_opened,
        sends.has_machine_opened_only,
        sends.has_clicked,
        sends.has_unsubscribed,
        sends.has_complained,
        sends.has_forwarded,
        coalesce(credits_per_send.credited_orders, 0) as credited_orders,
        coalesce(credits_per_send.credited_revenue, 0) as credited_revenue,
        credits_per_send.customer_id is not null as has_converted
    from sends
    left join credits_per_send
        on sends.campaign_id = credits_per_send.campaign_id
            and sends.customer_id = credits_per_send.customer_id
)

select * from joined
