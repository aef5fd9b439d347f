-- one row per product rule antecedent -> consequent mined like basket_rules, from the orders
-- placed before the recommendation hold-out cutoff only
with

training_baskets as (
    select * from {{ ref('int_recommendation_training_baskets') }}
),

basket_orders as (
    select * from {{ ref('int_basket_orders') }}
),

holdout_window as (
    select * from {{ ref('int_recommendation_holdout_window') }}
),

-- the orders of the training baskets, counted here rather than by a distinct over their lines
training_orders as (
    select basket_orders.order_id
    from basket_orders
    cross join holdout_window
    where basket_orders.ordered_on < holdout_window.cutoff_date
),

-- the rule CTEs read the baskets several times, each straight from the table
baskets as {{ inline_cte() }} (
    select
        order_id,
        product_id as item
    from training_baskets
),

{{ association_rule_ctes(dbt.type_bigint(), basket_orders='training_orders') }}

select * from kept
