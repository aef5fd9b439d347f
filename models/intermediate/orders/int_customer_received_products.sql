-- one row per customer and product of any of their orders with a received status (var
-- received_order_statuses): what they have, never recommended to them again
{% set statuses = required_var('received_order_statuses') %}

with

order_items as (
    select * from {{ ref('stg_order_items') }}
),

orders as (
    select * from {{ ref('stg_orders') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

received as (
    select
        orders.customer_id,
        order_items.product_id,
        min(orders.ordered_on) as first_received_on
    from order_items
    inner join orders
        on order_items.order_id = orders.order_id
    cross join as_of
    where
        {{ "orders.order_status in (" ~ sql_literals(statuses) ~ ")" if statuses else "false" }}
        and orders.ordered_on <= as_of.as_of_date
    group by
        orders.customer_id,
        order_items.product_id
)

select * from received
