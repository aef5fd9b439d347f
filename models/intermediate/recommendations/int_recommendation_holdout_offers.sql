-- one row per recommender, evaluated customer and rank 1-3: what the served recommender
-- (macros/recommendations.sql) and each of its components would have offered at the hold-out
-- cutoff, trained on earlier orders only
with

segments as (
    select * from {{ ref('customer_segments') }}
),

first_purchases as {{ inline_cte() }} (
    select * from {{ ref('int_customer_product_first_purchases') }}
),

holdout_window as (
    select * from {{ ref('int_recommendation_holdout_window') }}
),

affinity as (
    select * from {{ ref('int_recommendation_training_affinity') }}
),

rules as (
    select * from {{ ref('int_recommendation_training_rules') }}
),

products as (
    select * from {{ ref('int_recommendable_products') }}
),

received_products as (
    select * from {{ ref('int_customer_received_products') }}
),

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

{{ holdout_customer_ctes() }},

-- every sampled customer bought before the cutoff: all of them get offers
{{ recommendation_offer_ctes(buyers_only=true) }}

select
    recommender,
    customer_id,
    rank,
    product_id,
    score
from offers
