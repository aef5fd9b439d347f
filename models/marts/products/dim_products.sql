-- one row per product: its id as your files write it, name, category, list price, and how many
-- customers bought it in how many revenue orders
with

products as (
    select * from {{ ref('stg_products') }}
),

customer_products as (
    select * from {{ ref('int_customer_product_first_purchases') }}
),

purchases as (
    select
        product_id,
        count(*) as buyers,
        cast(sum(orders) as {{ dbt.type_bigint() }}) as orders,
        sum(spend) as revenue
    from customer_products
    group by product_id
),

described as (
    select
        products.product_id,
        products.source_product_id,
        products.product_name,
        products.category,
        products.price,
        coalesce(purchases.buyers, 0) as buyers,
        coalesce(purchases.orders, 0) as orders,
        coalesce(purchases.revenue, 0) as revenue
    from products
    left join purchases
        on products.product_id = purchases.product_id
)

select * from described
