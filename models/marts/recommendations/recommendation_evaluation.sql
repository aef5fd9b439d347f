-- one row per recommender: how its top 3 offers at the hold-out cutoff met the products customers
-- first bought after it (hit rate with its standard error, precision and recall at 3, catalogue
-- coverage)
with

offers as {{ inline_cte() }} (
    select * from {{ ref('int_recommendation_holdout_offers') }}
),

first_purchases as (
    select * from {{ ref('int_customer_product_first_purchases') }}
),

holdout_window as (
    select * from {{ ref('int_recommendation_holdout_window') }}
),

products as (
    select * from {{ ref('stg_products') }}
),

{{ recommendation_hit_ctes() }},

catalogue as (
    select count(*) as catalog_products
    from products
),

coverage as (
    select
        recommender,
        count(distinct product_id) as products_offered
    from offers
    group by recommender
),

evaluation as (
    select
        recommender_metrics.recommender as model, -- noqa: RF04
        holdout_window.cutoff_date,
        recommender_metrics.customers_evaluated,
        recommender_metrics.hit_rate_at_3,
        recommender_metrics.hit_rate_standard_error,
        recommender_metrics.precision_at_3,
        recommender_metrics.recall_at_3,
        {{ safe_ratio('coverage.products_offered', 'catalogue.catalog_products') }} as catalog_coverage,
        recommender_metrics.hits,
        coverage.products_offered
    from recommender_metrics
    inner join coverage
        on recommender_metrics.recommender = coverage.recommender
    cross join holdout_window
    cross join catalogue
)

select * from evaluation
