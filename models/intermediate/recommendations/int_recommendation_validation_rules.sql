-- one row per product rule antecedent -> consequent mined like basket_rules, from the orders
-- placed before the validation window only
with

training_baskets as (
    select * from {{ ref('int_recommendation_training_baskets') }}
),

basket_orders as (
    select * from {{ ref('int_basket_orders') }}
),

validation_window as (
    select * from {{ ref('int_recommendation_validation_window') }}
),

validation_orders as (
    select basket_orders.order_id
    from basket_orders
    cross join validation_window
    where basket_orders.ordered_on < validation_window.cutoff_date
),

-- the rule CTEs read the baskets several times, each straight from the table: a filter on it,
-- not a table of its own (at 10M customers, most of 200M lines again)
baskets as {{ inline_cte() }} (
    select
        training_baskets.order_id,
        training_baskets.product_id as item
    from training_baskets
    cross join validation_window
    where training_baskets.ordered_on < validation_window.cutoff_date
),

{{ association_rule_ctes(dbt.type_bigint(), basket_orders='validation_orders') }}

select * from kept
