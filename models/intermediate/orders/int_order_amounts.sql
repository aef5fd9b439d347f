-- one row per clean order: its amount, largest line quantity and whether it counts as revenue
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
        max(quantity) as max_line_quantity,
        {{ sum_money('line_amount') }} as order_amount
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
        coalesce(item_totals.max_line_quantity, 0) as max_line_quantity,
        coalesce(item_totals.order_amount, 0) as order_amount,
        orders.order_status = {{ sql_literal(required_var('revenue_order_status')) }}
        and item_totals.order_id is not null as is_revenue_order
    from orders
    left join item_totals
        on orders.order_id = item_totals.order_id
)

select * from totalled
