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

-- contactable customers with their names and segment, stored before the other two joins: at
-- 10M customers the four joins in one step held four 10M-row hash tables at once and ran out of
-- memory within 3 GB
named_contacts as {{ materialized_cte() }} (
    select
        eligibility.email,
        customers.customer_id,
        customers.source_customer_id,
        customers.first_name,
        customers.last_name,
        segments.segment_name as kmeans_segment,
        customers.last_order_date,
        customers.as_of_date
    from eligibility
    inner join customers
        on eligibility.customer_id = customers.customer_id
    left join segments
        on eligibility.customer_id = segments.customer_id
    where eligibility.exclusion_reason is null
),

profiles as (
    select
        named_contacts.email,
        named_contacts.customer_id,
        named_contacts.source_customer_id,
        named_contacts.first_name,
        named_contacts.last_name,
        named_contacts.kmeans_segment,
        rfm.rfm_segment,
        cast(coalesce(rfm.monetary, 0) as decimal(18, 2)) as monetary_value,
        named_contacts.last_order_date,
        cast(lifetime_values.predicted_clv as decimal(18, 2)) as predicted_clv,
        lifetime_values.churn_risk,
        -- the data's as-of date, not the clock: an unchanged rebuild writes identical files
        named_contacts.as_of_date as updated_on
    from named_contacts
    left join rfm
        on named_contacts.customer_id = rfm.customer_id
    left join lifetime_values
        on named_contacts.customer_id = lifetime_values.customer_id
)

select * from profiles
