-- one row per revenue order credited to a campaign send: the customer's latest delivered send before it
with

sends as (
    select * from {{ ref('int_campaign_sends') }}
),

orders as (
    select * from {{ ref('int_orders_totalled') }}
),

delivered_sends as (
    select
        campaign_id,
        customer_id,
        sent_at
    from sends
    where is_delivered
),

revenue_orders as (
    select
        order_id,
        customer_id,
        ordered_at,
        order_amount
    from orders
    where is_revenue_order
),

-- every delivered send within the attribution window before the order, latest first; equal send
-- times go to the higher campaign_id. The window is applied in the join, not after the ranking:
-- when the latest send is outside it so are all earlier ones, and only the sends inside it are
-- ranked (14M candidate rows at 1M customers otherwise).
candidate_sends as (
    select
        revenue_orders.order_id,
        revenue_orders.customer_id,
        revenue_orders.ordered_at,
        revenue_orders.order_amount,
        delivered_sends.campaign_id,
        delivered_sends.sent_at,
        row_number() over (
            partition by revenue_orders.order_id
            order by delivered_sends.sent_at desc, delivered_sends.campaign_id desc
        ) as send_rank
    from revenue_orders
    inner join delivered_sends
        on revenue_orders.customer_id = delivered_sends.customer_id
            and revenue_orders.ordered_at > delivered_sends.sent_at
            and revenue_orders.ordered_at
            <= {{ dbt.dateadd('day', required_var('attribution_window_days'), 'delivered_sends.sent_at') }}
),

credited as (
    select
        order_id,
        campaign_id,
        customer_id,
        sent_at,
        ordered_at,
        order_amount
    from candidate_sends
    where send_rank = 1
)

select * from credited
