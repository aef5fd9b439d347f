-- one row per candidate blend, validated customer and rank 1-3: what each candidate of
-- int_recommendation_blend_candidates would have offered at the start of the validation window,
-- trained on earlier orders only
with

segments as (
    select * from {{ ref('customer_segments') }}
),

first_purchases as {{ inline_cte() }} (
    select * from {{ ref('int_customer_product_first_purchases') }}
),

holdout_window as (
    select * from {{ ref('int_recommendation_validation_window') }}
),

affinity as (
    select * from {{ ref('int_recommendation_validation_affinity') }}
),

rules as (
    select * from {{ ref('int_recommendation_validation_rules') }}
),

products as (
    select * from {{ ref('int_recommendable_products') }}
),

received_products as (
    select * from {{ ref('int_customer_received_products') }}
),

recommenders as (
    select
        candidate as recommender,
        weight_segment,
        weight_rules,
        weight_popularity
    from {{ ref('int_recommendation_blend_candidates') }}
),

{{ holdout_customer_ctes() }},

-- every sampled customer bought before the window: all of them get offers
{{ recommendation_offer_ctes(buyers_only=true) }}

select
    recommender as candidate,
    customer_id,
    rank,
    product_id,
    score
from offers
