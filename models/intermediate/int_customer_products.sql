-- one row per customer and product they bought in a revenue order
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
