-- one row per product-category rule antecedent -> consequent: support, confidence, lift and the
-- counts behind them (rule mining in macros/association_rules.sql)
with

order_items as (
    select * from {{ ref('stg_order_items') }}
),

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

{{ association_rule_ctes(dbt.type_string()) }}

select * from kept
