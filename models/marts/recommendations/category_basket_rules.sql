-- one row per product-category rule antecedent -> consequent: support, confidence, lift and the
-- counts behind them (rule mining in macros/association_rules.sql)
{#- with an orders file every clean line belongs to a clean order: its baskets are counted there #}
{% set orders_known = input_available('orders') %}

with

order_items as (
    select * from {{ ref('stg_order_items') }}
),

{% if orders_known -%}
    basket_orders as (
        select * from {{ ref('int_basket_orders') }}
    ),
{%- endif %}

products as (
    select * from {{ ref('stg_products') }}
),

baskets as (
    select distinct
        order_items.order_id,
        products.category as item
    from order_items
    inner join products
        on order_items.product_id = products.product_id
),

{{ association_rule_ctes(dbt.type_string(), basket_orders='basket_orders' if orders_known else none) }}

select * from kept
