-- one row per k-means segment and rank 1-3: the products the segment buys most out of proportion
-- to the whole customer base
with

order_items as (
    select * from {{ ref('stg_order_items') }}
),

orders as (
    select * from {{ ref('int_orders_totalled') }}
),

segments as (
    select * from {{ ref('customer_segments') }}
),

product_buyers as (
    select distinct
        orders.customer_id,
        order_items.product_id
    from order_items
    inner join orders
        on order_items.order_id = orders.order_id
    where orders.is_revenue_order
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
    from product_buyers
    group by product_id
),

segment_buyers as (
    select
        segments.segment_id,
        product_buyers.product_id,
        count(*) as buyers
    from product_buyers
    inner join segments
        on product_buyers.customer_id = segments.customer_id
    group by
        segments.segment_id,
        product_buyers.product_id
),

-- score = share of the segment that buys the product / share of all customers that buy it
scored as (
    select
        segment_buyers.segment_id,
        segment_buyers.product_id,
        segment_buyers.buyers,
        (cast(segment_buyers.buyers as {{ type_double() }}) / segment_sizes.segment_customers)
        / (cast(population_buyers.population_buyers as {{ type_double() }}) / customer_count.customers)
            as score
    from segment_buyers
    inner join segment_sizes
        on segment_buyers.segment_id = segment_sizes.segment_id
    inner join population_buyers
        on segment_buyers.product_id = population_buyers.product_id
    cross join customer_count
    where segment_buyers.buyers >= {{ required_var('recommendation_min_buyers') }}
),

-- a tie goes to the product with more buyers, then the lower product id
ranked as (
    select
        segment_id,
        product_id,
        score,
        buyers,
        row_number() over (
            partition by segment_id order by score desc, buyers desc, product_id asc
        ) as rank
    from scored
)

select
    segment_id,
    rank,
    product_id,
    score,
    buyers
from ranked
where rank <= 3
