-- one row per k-means segment and rank 1-3: the products the segment buys most out of proportion
-- to the whole customer base
with

affinity as (
    select * from {{ ref('int_segment_product_affinity') }}
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
    from affinity
    where buyers >= {{ required_var('recommendation_min_buyers') }}
)

select
    segment_id,
    rank,
    product_id,
    score,
    buyers
from ranked
where rank <= 3
