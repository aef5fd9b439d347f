-- one row per k-means segment and product its customers bought: buyer shares and their ratio
with

customer_products as (
    select * from {{ ref('int_customer_products') }}
),

segments as (
    select * from {{ ref('customer_segments') }}
),

segment_sizes as (
    select
        segment_id,
        count(*) as segment_customers
    from segments
    group by segment_id
),

customer_count as (
    select count(*) as customers
    from segments
),

population_buyers as (
    select
        product_id,
        count(*) as population_buyers
    from customer_products
    group by product_id
),

segment_buyers as (
    select
        segments.segment_id,
        customer_products.product_id,
        count(*) as buyers
    from customer_products
    inner join segments
        on customer_products.customer_id = segments.customer_id
    group by
        segments.segment_id,
        customer_products.product_id
),

shares as (
    select
        segment_buyers.segment_id,
        segment_buyers.product_id,
        segment_buyers.buyers,
        cast(segment_buyers.buyers as {{ type_double() }}) / segment_sizes.segment_customers
            as segment_buyer_share,
        cast(population_buyers.population_buyers as {{ type_double() }}) / customer_count.customers
            as population_buyer_share
    from segment_buyers
    inner join segment_sizes
        on segment_buyers.segment_id = segment_sizes.segment_id
    inner join population_buyers
        on segment_buyers.product_id = population_buyers.product_id
    cross join customer_count
),

-- score 1 means the segment buys the product like everyone else; 2, twice as often
scored as (
    select
        *,
        segment_buyer_share / population_buyer_share as score
    from shares
)

select * from scored
