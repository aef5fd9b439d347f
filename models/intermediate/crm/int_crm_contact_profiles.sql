-- one row per contact crm_contacts_export exports (a contactable customer, keyed by email): all
-- its columns but the recommended products. A table of its own: at 10M customers, joining five
-- customer-level tables in one query ran out of memory within 3 GB, two steps took 7 s each
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

lifetime_values as (
    select * from {{ ref('customer_lifetime_value') }}
),

profiles as (
    select
        eligibility.email,
        customers.customer_id,
        customers.first_name,
        customers.last_name,
        segments.segment_name as kmeans_segment,
        rfm.rfm_segment,
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
    left join lifetime_values
        on eligibility.customer_id = lifetime_values.customer_id
    where eligibility.exclusion_reason is null
)

select * from profiles
