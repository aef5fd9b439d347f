-- one row per clean customer: profile, consent and order features; dim_customers adds the
-- spend per category. Two joins here and one there: at 10M customers the three large joins in one
-- query ran out of memory within 3 GB (their hash tables must all be held at once)
{% set channels = required_var('order_channels') %}

with

customers as (
    select * from {{ ref('stg_customers') }}
),

order_features as (
    select * from {{ ref('int_customer_order_features') }}
),

consent as (
    select * from {{ ref('int_customer_consent') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

customers_as_of as (
    select
        customers.*,
        as_of.as_of_date
    from customers
    cross join as_of
),

profiled as (
    select
        *,
        extract(year from as_of_date) - birth_year as age_years,
        1
        + case when marital_status in ('Married', 'Together') then 1 else 0 end
        + coalesce(kids_at_home, 0)
        + coalesce(teens_at_home, 0) as household_size,
        {{ dbt.datediff('signup_date', 'as_of_date', 'day') }}
            as tenure_days
    from customers_as_of
),

joined as (
    select
        profiled.customer_id,
        profiled.source_customer_id,
        profiled.first_name,
        profiled.last_name,
        profiled.email,
        profiled.is_email_valid,
        profiled.gender,
        profiled.education,
        profiled.marital_status,
        profiled.birth_year,
        profiled.age_years,
        profiled.income,
        profiled.kids_at_home,
        profiled.teens_at_home,
        profiled.household_size,
        profiled.signup_date,
        profiled.tenure_days,
        profiled.country,
        profiled.email_opt_in,
        coalesce(consent.is_unsubscribed, false) as is_unsubscribed,
        profiled.is_email_valid
        and profiled.email_opt_in
        and not coalesce(consent.is_unsubscribed, false) as is_contactable,
        order_features.first_order_date,
        order_features.last_order_date,
        coalesce(order_features.order_count, 0) as order_count,
        coalesce(order_features.total_spend, 0) as total_spend,
        order_features.average_order_value,
        order_features.discount_order_share,
        {%- for channel in channels %}
            coalesce(order_features.orders_{{ channel }}, 0) as orders_{{ channel }},
            coalesce(order_features.spend_{{ channel }}, 0) as spend_{{ channel }},
        {%- endfor %}
        coalesce(order_features.orders_other_channels, 0) as orders_other_channels,
        coalesce(order_features.spend_other_channels, 0) as spend_other_channels,
        coalesce(order_features.has_outlier_order, false) as has_outlier_order,
        profiled.as_of_date
    from profiled
    left join order_features
        on profiled.customer_id = order_features.customer_id
    left join consent
        on profiled.customer_id = consent.customer_id
)

select * from joined
