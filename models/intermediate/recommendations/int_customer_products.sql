-- one row per customer and product they bought in a revenue order. A view: a stored copy of the
-- first purchases without their date saved readers nothing
{{ config(materialized='view') }}

with

-- already one row per customer and product: reusing it saves a second pass over the order lines
first_purchases as (
    select * from {{ ref('int_customer_product_first_purchases') }}
),

bought as (
    select
        customer_id,
        product_id
    from first_purchases
)

select * from bought
