-- one row per k-means segment and product its customers bought: buyer shares and their ratio
-- (macros/recommendations.sql, shared with the hold-out evaluation's training affinity)
with

customer_products as (
    select * from {{ ref('int_customer_products') }}
),

segments as (
    select * from {{ ref('customer_segments') }}
),

{{ segment_product_affinity_ctes() }}

select * from affinity
