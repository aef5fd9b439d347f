-- one row per k-means segment and rank 1-3: the products the segment buys most out of proportion
-- to the whole customer base
with

affinity as (
    select * from {{ ref('int_segment_product_affinity') }}
),

products as (
    select * from {{ ref('int_recommendable_products') }}
),

-- a tie goes to the product with more buyers, then the lower product id
ranked as (
    select
        affinity.segment_id,
        affinity.product_id,
        affinity.score,
        affinity.buyers,
        row_number() over (
            partition by affinity.segment_id
            order by affinity.score desc, affinity.buyers desc, affinity.product_id asc
        ) as rank
    from affinity
    -- placeholders are never recommended
    inner join products
        on affinity.product_id = products.product_id
    where affinity.buyers >= {{ required_var('recommendation_min_buyers') }}
)

select
    segment_id,
    rank,
    product_id,
    score,
    buyers
from ranked
where rank <= 3
