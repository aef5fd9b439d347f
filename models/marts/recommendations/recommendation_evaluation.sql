-- one row per recommender: how its top 3 offers at the hold-out cutoff met the products customers
-- first bought after it (hit rate, precision and recall at 3, catalogue coverage)
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

new_purchases as (
    select
        first_purchases.customer_id,
        first_purchases.product_id
    from first_purchases
    cross join holdout_window
    where
        first_purchases.first_bought_on >= holdout_window.cutoff_date
        and first_purchases.first_bought_on < holdout_window.as_of_date
),

new_product_counts as (
    select
        customer_id,
        count(*) as new_products
    from new_purchases
    group by customer_id
),

customer_hits as (
    select
        offers.recommender,
        offers.customer_id,
        count(new_purchases.product_id) as hits
    from offers
    left join new_purchases
        on
            offers.customer_id = new_purchases.customer_id
            and offers.product_id = new_purchases.product_id
    group by
        offers.recommender,
        offers.customer_id
),

catalogue as (
    select count(*) as catalog_products
    from products
),

-- precision divides by 3 offers; recall by the products the customer newly bought
recommender_metrics as (
    select
        customer_hits.recommender,
        count(*) as customers_evaluated,
        cast(sum(customer_hits.hits) as {{ dbt.type_bigint() }}) as hits,
        avg(case when customer_hits.hits > 0 then 1 else 0 end) as hit_rate_at_3,
        avg(cast(customer_hits.hits as {{ type_double() }}) / 3) as precision_at_3,
        avg(cast(customer_hits.hits as {{ type_double() }}) / new_product_counts.new_products)
            as recall_at_3
    from customer_hits
    inner join new_product_counts
        on customer_hits.customer_id = new_product_counts.customer_id
    group by customer_hits.recommender
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
