-- one row per customer and product category they bought from: revenue-order spend
with

product_purchases as (
    select * from {{ ref('int_customer_product_first_purchases') }}
),

products as (
    select * from {{ ref('stg_products') }}
),

-- the spend per product is exact to 10 places, so its sum equals the sum over the order lines
category_spend as (
    select
        product_purchases.customer_id,
        products.category,
        {{ sum_money('product_purchases.spend') }} as spend
    from product_purchases
    inner join products
        on product_purchases.product_id = products.product_id
    group by
        product_purchases.customer_id,
        products.category
)

select * from category_spend
