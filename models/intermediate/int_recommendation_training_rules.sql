-- one row per product rule antecedent -> consequent mined like basket_rules, from the orders
-- placed before the recommendation hold-out cutoff only
with

training_baskets as (
    select * from {{ ref('int_recommendation_training_baskets') }}
),

-- the rule CTEs read the baskets several times, each straight from the table
baskets as {{ inline_cte() }} (
    select
        order_id,
        product_id as item
    from training_baskets
),

{{ association_rule_ctes(dbt.type_bigint()) }}

select * from kept
