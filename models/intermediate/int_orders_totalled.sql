-- one row per clean order: its amount, item count, whether it counts as revenue, outlier flag
with

orders as (
    select * from {{ ref('stg_orders') }}
),

order_items as (
    select * from {{ ref('stg_order_items') }}
),

item_totals as (
    select
        order_id,
        count(*) as line_count,
        sum(quantity) as item_quantity,
        sum(line_amount) as order_amount
    from order_items
    group by order_id
),

totalled as (
    select
        orders.order_id,
        orders.customer_id,
        orders.ordered_at,
        orders.ordered_on,
        orders.channel,
        orders.order_status,
        orders.discount_used,
        coalesce(item_totals.line_count, 0) as line_count,
        coalesce(item_totals.item_quantity, 0) as item_quantity,
        coalesce(item_totals.order_amount, 0) as order_amount,
        orders.order_status = '{{ required_var("revenue_order_status") }}'
        and item_totals.order_id is not null as is_revenue_order
    from orders
    left join item_totals
        on orders.order_id = item_totals.order_id
),

-- Tukey's far-out fence on log order amounts: order amounts are right-skewed, so the fence is set
-- on their logarithm; orders above Q3 + k * IQR are flagged, never dropped
log_amount_fence as (
    select
        percentile_cont(0.75) within group (order by {{ natural_log('order_amount') }})
        + {{ required_var('outlier_iqr_multiplier') }} * (
            percentile_cont(0.75) within group (order by {{ natural_log('order_amount') }})
            - percentile_cont(0.25) within group (order by {{ natural_log('order_amount') }})
        ) as upper_log_amount
    from totalled
    where is_revenue_order and order_amount > 0
),

flagged as (
    select
        totalled.*,
        coalesce(
            totalled.order_amount > 0
            and {{ natural_log('totalled.order_amount') }} > log_amount_fence.upper_log_amount,
            false
        ) as is_outlier
    from totalled
    cross join log_amount_fence
)

select * from flagged
