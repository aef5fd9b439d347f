-- one row per candidate blend, validated customer and rank 1-3: what each candidate of
-- int_recommendation_blend_candidates would have offered at the start of the validation window,
-- trained on earlier orders only
with

recommenders as (
    select
        candidate as recommender,
        weight_segment,
        weight_rules,
        weight_popularity
    from {{ ref('int_recommendation_blend_candidates') }}
),

-- the sampled customers, their window and offers (macros/recommendation_evaluation.sql)
{{ offers_trained_before(
    'int_recommendation_validation_window',
    'int_recommendation_validation_affinity',
    'int_recommendation_validation_rules'
) }}

select
    recommender as candidate,
    customer_id,
    rank,
    product_id,
    score
from offers
