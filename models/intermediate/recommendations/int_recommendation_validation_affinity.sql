-- one row per k-means segment and product its customers bought before the validation window:
-- int_segment_product_affinity on those orders only
with

first_purchases as (
    select * from {{ ref('int_customer_product_first_purchases') }}
),

segments as (
    select * from {{ ref('customer_segments') }}
),

validation_window as (
    select * from {{ ref('int_recommendation_validation_window') }}
),

customer_products as (
    select
        first_purchases.customer_id,
        first_purchases.product_id
    from first_purchases
    cross join validation_window
    where first_purchases.first_bought_on < validation_window.cutoff_date
),

{{ segment_product_affinity_ctes() }}

select * from affinity
