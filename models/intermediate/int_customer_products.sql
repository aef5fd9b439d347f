-- one row per customer and product they bought in a revenue order
with

order_items as (
    select * from {{ ref('stg_order_items') }}
),

orders as (
    select * from {{ ref('int_orders_totalled') }}
),

bought as (
    select distinct
        orders.customer_id,
        order_items.product_id
    from order_items
    inner join orders
        on order_items.order_id = orders.order_id
    where orders.is_revenue_order
)

select * from bought
