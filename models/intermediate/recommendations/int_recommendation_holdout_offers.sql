-- one row per recommender, evaluated customer and rank 1-3: what the served recommender
-- (macros/recommendations.sql) and each of its components would have offered at the hold-out
-- cutoff, trained on earlier orders only
with

single_components as (
    select
        candidate as recommender,
        weight_segment,
        weight_rules,
        weight_popularity
    from {{ ref('int_recommendation_blend_candidates') }}
    where candidate in ('segment', 'rules', 'popularity')
),

-- the served blend, and each of its components alone (ties fall back to popularity)
recommenders as (
    select * from single_components
    union all
    {{ served_recommender() }}
),

-- the sampled customers, their window and offers (macros/recommendation_evaluation.sql)
{{ offers_trained_before(
    'int_recommendation_holdout_window',
    'int_recommendation_training_affinity',
    'int_recommendation_training_rules'
) }}

select
    recommender,
    customer_id,
    rank,
    product_id,
    score
from offers
