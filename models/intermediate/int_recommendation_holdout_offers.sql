-- one row per recommender, evaluated customer and rank 1-3: what the served recommender
-- (macros/recommendations.sql) would have offered at the hold-out cutoff, trained on earlier
-- orders only. Evaluated: customers with a segment, a purchase before the cutoff and a product
-- first bought from the cutoff up to the as-of date; at most var
-- recommendation_evaluation_sample_size of them, the first by a hash of customer_id.
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

-- one pass over the first purchases: whether each customer bought before the cutoff, and new
-- products from it up to the as-of date
customer_windows as (
    select
        first_purchases.customer_id,
        max(
            case when first_purchases.first_bought_on < holdout_window.cutoff_date then 1 else 0 end
        ) as bought_before,
        max(
            case
                when
                    first_purchases.first_bought_on >= holdout_window.cutoff_date
                    and first_purchases.first_bought_on < holdout_window.as_of_date
                    then 1
                else 0
            end
        ) as bought_new
    from first_purchases
    cross join holdout_window
    group by first_purchases.customer_id
),

eligible_customers as (
    select
        segments.customer_id,
        segments.segment_id
    from segments
    inner join customer_windows
        on segments.customer_id = customer_windows.customer_id
    where
        customer_windows.bought_before = 1
        and customer_windows.bought_new = 1
),

-- the same customers on every run; offers are made to these only
customers as (
    select
        customer_id,
        segment_id
    from eligible_customers
    order by {{ dbt.hash('customer_id') }}, customer_id
    limit {{ required_var('recommendation_evaluation_sample_size') }}
),

-- what each sampled customer had received before the cutoff: never offered, as in serving
customer_products as (
    select
        received_products.customer_id,
        received_products.product_id
    from received_products
    inner join customers
        on received_products.customer_id = customers.customer_id
    cross join holdout_window
    where received_products.first_received_on < holdout_window.cutoff_date
),

-- every sampled customer bought before the cutoff: all of them get offers
{{ recommendation_offer_ctes(buyers_only=true) }}

select
    recommender,
    customer_id,
    rank,
    product_id,
    score
from offers
