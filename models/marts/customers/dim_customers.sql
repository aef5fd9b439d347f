-- one row per clean customer: profile, consent and the purchase features later models use
{% set categories = required_var('spend_categories') %}
{% set channels = required_var('order_channels') %}

with

customers as (
    select * from {{ ref('stg_customers') }}
),

orders as (
    select * from {{ ref('int_orders_totalled') }}
),

category_spend as (
    select * from {{ ref('int_customer_category_spend') }}
),

consent as (
    select * from {{ ref('int_customer_consent') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

order_features as (
    select
        customer_id,
        count(*) as order_count,
        min(ordered_on) as first_order_date,
        max(ordered_on) as last_order_date,
        sum(order_amount) as total_spend,
        avg(order_amount) as average_order_value,
        avg(case when discount_used then 1.0 else 0.0 end) as discount_order_share,
        {%- for channel in channels %}
            count(case when channel = '{{ channel }}' then order_id end) as orders_{{ channel }},
            sum(case when channel = '{{ channel }}' then order_amount else 0 end) as spend_{{ channel }},
        {%- endfor %}
        count(case when {{ not_one_of('channel', channels) }} then order_id end) as orders_other_channels,
        sum(case when {{ not_one_of('channel', channels) }} then order_amount else 0 end)
            as spend_other_channels,
        max(case when is_outlier then 1 else 0 end) = 1 as has_outlier_order
    from orders
    where is_revenue_order
    group by customer_id
),

category_features as (
    select
        customer_id,
        {%- for category in categories %}
            sum(case when category = '{{ category }}' then spend else 0 end) as spend_{{ category }},
        {%- endfor %}
        sum(case when {{ not_one_of('category', categories) }} then spend else 0 end)
            as spend_other_categories
    from category_spend
    group by customer_id
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
        {%- for category in categories %}
            coalesce(category_features.spend_{{ category }}, 0) as spend_{{ category }},
        {%- endfor %}
        coalesce(category_features.spend_other_categories, 0) as spend_other_categories,
        coalesce(order_features.has_outlier_order, false) as has_outlier_order,
        profiled.as_of_date
    from profiled
    left join order_features
        on profiled.customer_id = order_features.customer_id
    left join category_features
        on profiled.customer_id = category_features.customer_id
    left join consent
        on profiled.customer_id = consent.customer_id
)

select * from joined
