-- one row per exported contact: a contactable customer, keyed by email, with what sales needs
{{ config(post_hook="{{ publish_crm_csv('contacts', order_by='email') }}") }}

with

eligibility as (
    select * from {{ ref('crm_contact_eligibility') }}
),

customers as (
    select * from {{ ref('dim_customers') }}
),

segments as (
    select * from {{ ref('customer_segments') }}
),

rfm as (
    select * from {{ ref('customer_rfm') }}
),

recommendations as (
    select * from {{ ref('customer_recommendations') }}
),

lifetime_values as (
    select * from {{ ref('customer_lifetime_value') }}
),

recommended_products as (
    select
        customer_id,
        max(case when rank = 1 then product_name end) as recommended_product_1,
        max(case when rank = 2 then product_name end) as recommended_product_2,
        max(case when rank = 3 then product_name end) as recommended_product_3
    from recommendations
    group by customer_id
),

contacts as (
    select
        eligibility.email,
        customers.customer_id,
        customers.first_name,
        customers.last_name,
        segments.segment_name as kmeans_segment,
        rfm.rfm_segment,
        recommended_products.recommended_product_1,
        recommended_products.recommended_product_2,
        recommended_products.recommended_product_3,
        cast(coalesce(rfm.monetary, 0) as decimal(18, 2)) as monetary_value,
        customers.last_order_date,
        cast(lifetime_values.predicted_clv as decimal(18, 2)) as predicted_clv,
        lifetime_values.churn_risk,
        -- the data's as-of date, not the clock: an unchanged rebuild writes identical files
        customers.as_of_date as updated_on
    from eligibility
    inner join customers
        on eligibility.customer_id = customers.customer_id
    left join segments
        on eligibility.customer_id = segments.customer_id
    left join rfm
        on eligibility.customer_id = rfm.customer_id
    left join recommended_products
        on eligibility.customer_id = recommended_products.customer_id
    left join lifetime_values
        on eligibility.customer_id = lifetime_values.customer_id
    where eligibility.exclusion_reason is null
)

select * from contacts
