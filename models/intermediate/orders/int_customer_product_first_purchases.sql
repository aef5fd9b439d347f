-- one row per customer and product they bought in a revenue order: the day of the first one,
-- the orders holding it and the spend on it (int_customer_category_spend adds it up by category,
-- dim_products by product, without a second join of every order line to its order)
with

order_items as (
    select * from {{ ref('stg_order_items') }}
),

orders as (
    select * from {{ ref('int_orders_totalled') }}
),

first_purchases as (
    select
        orders.customer_id,
        order_items.product_id,
        min(orders.ordered_on) as first_bought_on,
        -- stg_order_items has one row per order and product
        count(*) as orders,
        {{ sum_money('order_items.line_amount') }} as spend
    from order_items
    inner join orders
        on order_items.order_id = orders.order_id
    where orders.is_revenue_order
    group by
        orders.customer_id,
        order_items.product_id
)

select * from first_purchases
