-- one row per customer and product category they bought from: revenue-order spend
with

orders as (
    select * from {{ ref('int_orders_totalled') }}
),

order_items as (
    select * from {{ ref('stg_order_items') }}
),

products as (
    select * from {{ ref('stg_products') }}
),

category_spend as (
    select
        orders.customer_id,
        products.category,
        {{ sum_money('order_items.line_amount') }} as spend
    from order_items
    inner join orders
        on order_items.order_id = orders.order_id
    inner join products
        on order_items.product_id = products.product_id
    where orders.is_revenue_order
    group by
        orders.customer_id,
        products.category
)

select * from category_spend
