-- one row per product rule antecedent -> consequent mined like basket_rules, from the orders
-- placed before the recommendation hold-out cutoff only
with

training_baskets as (
    select * from {{ ref('int_recommendation_training_baskets') }}
),

order_amounts as (
    select * from {{ ref('int_order_amounts') }}
),

holdout_window as (
    select * from {{ ref('int_recommendation_holdout_window') }}
),

-- the rule CTEs read the baskets several times, each straight from the table
baskets as {{ inline_cte() }} (
    select
        order_id,
        product_id as item
    from training_baskets
),

-- every training order with a line is one basket
basket_count as (
    select count(*) as total_orders
    from order_amounts
    cross join holdout_window
    where
        order_amounts.line_count > 0
        and order_amounts.ordered_on < holdout_window.cutoff_date
),

{{ association_rule_ctes(dbt.type_bigint()) }}

select * from kept
