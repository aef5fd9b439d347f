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
        max(quantity) as max_line_quantity,
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
        coalesce(item_totals.max_line_quantity, 0) as max_line_quantity,
        coalesce(item_totals.order_amount, 0) as order_amount,
        orders.order_status = '{{ required_var("revenue_order_status") }}'
        and item_totals.order_id is not null as is_revenue_order
    from orders
    left join item_totals
        on orders.order_id = item_totals.order_id
),

-- outliers are values far beyond the bulk: more than k times the 99th percentile of order amounts
-- or of line quantities. A percentile, unlike the IQR, is not fooled by legitimately wide spend.
fences as (
    select
        {{ required_var('outlier_p99_multiple') }}
        * percentile_cont(0.99) within group (order by order_amount) as order_amount_fence,
        {{ required_var('outlier_p99_multiple') }}
        * percentile_cont(0.99) within group (order by max_line_quantity) as line_quantity_fence
    from totalled
    where is_revenue_order
),

flagged as (
    select
        totalled.*,
        coalesce(
            totalled.order_amount > fences.order_amount_fence
            or totalled.max_line_quantity > fences.line_quantity_fence,
            false
        ) as is_outlier
    from totalled
    cross join fences
)

select * from flagged
