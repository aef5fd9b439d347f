-- one row per order and product, for orders placed before the recommendation hold-out cutoff:
-- the baskets int_recommendation_training_rules mines, and with the order's date the earlier
-- ones int_recommendation_validation_rules mines. A table of its own, so the rule mining
-- reads stored rows as basket_rules does: at 10M customers, joining the orders inside the rule
-- query (whose baskets are read three times) ran out of memory within 3 GB
with

order_items as (
    select * from {{ ref('stg_order_items') }}
),

orders as (
    select * from {{ ref('stg_orders') }}
),

holdout_window as (
    select * from {{ ref('int_recommendation_holdout_window') }}
),

-- stg_order_items is one row per order and product already, with one order header per order
training_baskets as (
    select
        order_items.order_id,
        order_items.product_id,
        orders.ordered_on
    from order_items
    inner join orders
        on order_items.order_id = orders.order_id
    cross join holdout_window
    where orders.ordered_on < holdout_window.cutoff_date
)

select * from training_baskets
