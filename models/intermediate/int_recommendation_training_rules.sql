-- one row per product rule antecedent -> consequent mined like basket_rules, from the orders
-- placed before the recommendation hold-out cutoff only
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

-- one row per order and product already (stg_order_items' grain; one order header per order)
baskets as (
    select
        order_items.order_id,
        order_items.product_id as item
    from order_items
    inner join orders
        on order_items.order_id = orders.order_id
    cross join holdout_window
    where orders.ordered_on < holdout_window.cutoff_date
),

{{ association_rule_ctes(dbt.type_bigint()) }}

select * from kept
