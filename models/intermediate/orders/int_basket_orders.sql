-- one row per clean order with at least one clean line: the baskets the rule models count. A
-- view: counting its rows spares them a distinct over every order line
{{ config(materialized='view') }}

with

order_amounts as (
    select * from {{ ref('int_order_amounts') }}
),

-- clean lines have positive quantities: an order without lines has 0
basket_orders as (
    select
        order_id,
        ordered_on
    from order_amounts
    where max_line_quantity > 0
)

select * from basket_orders
