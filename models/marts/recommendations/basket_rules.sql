-- one row per product rule antecedent -> consequent: support, confidence, lift, the counts
-- behind them (rule mining in macros/association_rules.sql) and the products' names
-- and categories
{#- with an orders file every clean line belongs to a clean order: its baskets are counted there #}
{% set orders_known = input_available('orders') %}

with

order_items as (
    select * from {{ ref('stg_order_items') }}
),

products as (
    select * from {{ ref('stg_products') }}
),

{% if orders_known -%}
    basket_orders as (
        select * from {{ ref('int_basket_orders') }}
    ),
{%- endif %}

-- stg_order_items is already one row per order and product: no distinct over 24M lines at scale;
-- the rule CTEs read it several times, each straight from the table
baskets as {{ inline_cte() }} (
    select
        order_id,
        product_id as item
    from order_items
),

{{ association_rule_ctes(dbt.type_bigint(), basket_orders='basket_orders' if orders_known else none) }},

named as (
    select
        kept.*,
        antecedents.product_name as antecedent_name,
        antecedents.category as antecedent_category,
        second_antecedents.product_name as antecedent_2_name,
        second_antecedents.category as antecedent_2_category,
        consequents.product_name as consequent_name,
        consequents.category as consequent_category
    from kept
    left join products as antecedents
        on kept.antecedent = antecedents.product_id
    left join products as second_antecedents
        on kept.antecedent_2 = second_antecedents.product_id
    left join products as consequents
        on kept.consequent = consequents.product_id
)

select * from named
