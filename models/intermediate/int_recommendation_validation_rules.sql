-- one row per product rule antecedent -> consequent mined like basket_rules, from the orders
-- placed before the validation window only
with

validation_baskets as (
    select * from {{ ref('int_recommendation_validation_baskets') }}
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

-- the rule CTEs read the baskets several times, each straight from the table
baskets as {{ inline_cte() }} (
    select
        order_id,
        product_id as item
    from validation_baskets
),

{{ association_rule_ctes(dbt.type_bigint(), basket_orders='validation_orders') }}

select * from kept
