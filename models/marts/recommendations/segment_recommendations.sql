-- one row per k-means segment and rank 1-3: the products the segment buys out of proportion to
-- the whole customer base (segment affinity: buyer-share ratio above 1), then, for the slots
-- left, the products most customers buy (popularity)
with

affinity as (
    select * from {{ ref('int_segment_product_affinity') }}
),

products as (
    select * from {{ ref('int_recommendable_products') }}
),

-- placeholders are never recommended
recommendable_affinity as (
    select affinity.*
    from affinity
    inner join products
        on affinity.product_id = products.product_id
),

segments as (
    select distinct segment_id
    from recommendable_affinity
),

popularity as (
    select
        product_id,
        max(population_buyer_share) as population_buyer_share
    from recommendable_affinity
    group by product_id
),

-- every segment and product as a candidate: affinity when the segment buys it more than the
-- customer base does (from var recommendation_min_buyers buyers), else popularity
candidates as (
    select
        segments.segment_id,
        popularity.product_id,
        coalesce(recommendable_affinity.score, 0) as score,
        coalesce(recommendable_affinity.buyers, 0) as buyers,
        popularity.population_buyer_share,
        coalesce(
            recommendable_affinity.score > 1
            and recommendable_affinity.buyers >= {{ required_var('recommendation_min_buyers') }},
            false
        ) as is_affinity
    from segments
    cross join popularity
    left join recommendable_affinity
        on
            segments.segment_id = recommendable_affinity.segment_id
            and popularity.product_id = recommendable_affinity.product_id
),

-- affinity first, strongest ratio first; then the most popular; ties to more buyers, then the
-- lower product id
ranked as (
    select
        segment_id,
        product_id,
        score,
        buyers,
        case when is_affinity then 'segment_affinity' else 'popularity' end as basis,
        row_number() over (
            partition by segment_id
            order by
                is_affinity desc,
                case when is_affinity then score else population_buyer_share end desc,
                buyers desc,
                product_id asc
        ) as rank
    from candidates
)

select
    segment_id,
    rank,
    product_id,
    score,
    buyers,
    basis
from ranked
where rank <= 3
