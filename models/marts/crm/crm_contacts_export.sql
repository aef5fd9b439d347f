-- one row per exported contact: a contactable customer, keyed by email, with what sales needs

with

profiles as (
    select * from {{ ref('int_crm_contact_profiles') }}
),

recommendations as (
    select * from {{ ref('customer_recommendations') }}
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
        profiles.email,
        -- the id the user's systems know the customer by: CRM records are matched back on it
        profiles.source_customer_id as customer_id,
        profiles.first_name,
        profiles.last_name,
        profiles.kmeans_segment,
        profiles.rfm_segment,
        recommended_products.recommended_product_1,
        recommended_products.recommended_product_2,
        recommended_products.recommended_product_3,
        profiles.monetary_value,
        profiles.last_order_date,
        -- a fitted figure, exported in whole currency units: a refit that moves it by cents
        -- is not a change a CRM user would see, so it does not make the contact changed
        cast(round(profiles.predicted_clv, 0) as decimal(18, 0)) as predicted_clv,
        profiles.churn_risk,
        profiles.updated_on
    from profiles
    left join recommended_products
        on profiles.customer_id = recommended_products.customer_id
)

select * from contacts
