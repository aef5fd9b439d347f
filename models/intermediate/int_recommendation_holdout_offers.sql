-- one row per recommender, evaluated customer and rank 1-3: what the served recommender
-- (macros/recommendations.sql) would have offered at the hold-out cutoff, trained on earlier
-- orders only. Evaluated: customers with a segment, a purchase before the cutoff and a product
-- first bought from the cutoff up to the as-of date.
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
    select * from {{ ref('stg_products') }}
),

-- the served blend, and each of its components alone (ties fall back to popularity)
recommenders as (
    select
        'popularity' as recommender,
        cast(0 as {{ type_double() }}) as weight_segment,
        cast(0 as {{ type_double() }}) as weight_rules,
        cast(1 as {{ type_double() }}) as weight_popularity
    union all
    select
        'segment' as recommender,
        cast(1 as {{ type_double() }}) as weight_segment,
        cast(0 as {{ type_double() }}) as weight_rules,
        cast(0 as {{ type_double() }}) as weight_popularity
    union all
    select
        'rules' as recommender,
        cast(0 as {{ type_double() }}) as weight_segment,
        cast(1 as {{ type_double() }}) as weight_rules,
        cast(0 as {{ type_double() }}) as weight_popularity
    union all
    {{ served_recommender() }}
),

customer_products as (
    select
        first_purchases.customer_id,
        first_purchases.product_id
    from first_purchases
    cross join holdout_window
    where first_purchases.first_bought_on < holdout_window.cutoff_date
),

holdout_buyers as (
    select distinct first_purchases.customer_id
    from first_purchases
    cross join holdout_window
    where
        first_purchases.first_bought_on >= holdout_window.cutoff_date
        and first_purchases.first_bought_on < holdout_window.as_of_date
),

customers as (
    select
        segments.customer_id,
        segments.segment_id
    from segments
    inner join holdout_buyers
        on segments.customer_id = holdout_buyers.customer_id
),

-- evaluated customers also bought before the cutoff
{{ recommendation_offer_ctes(buyers_only=true) }}

select
    recommender,
    customer_id,
    rank,
    product_id,
    score
from offers
