-- one row per customer in dim_customers: the raw (unscaled) features k-means segmentation uses
-- a customer_features file's names are read only when the model runs: dbt learns the ref here
-- depends_on: {{ ref('stg_customer_features') }}
{% set categories = required_var('spend_categories') %}
{% set channels = required_var('order_channels') %}
{% set user_feature_names = input_feature_names() %}

with

customers as (
    select * from {{ ref('dim_customers') }}
),

rfm as (
    select * from {{ ref('customer_rfm') }}
),

{%- if user_feature_names %}

user_features as (
    select * from {{ ref('stg_customer_features') }}
),

-- features the user's own data brings (input_feature_names), one column each
user_feature_columns as (
    select
        customer_id,
        {%- for feature in user_feature_names %}
            max(case when feature = {{ sql_literal(feature) }} then feature_value end)
                as {{ sql_identifier(feature) }}
            {{- "," if not loop.last }}
        {%- endfor %}
    from user_features
    group by customer_id
),
{%- endif %}

features as (
    -- shares are null without orders (or spend): the preprocessing recipe imputes them
    select
        customers.customer_id,
        rfm.recency_days,
        rfm.frequency,
        rfm.monetary,
        customers.income,
        customers.age_years,
        customers.household_size,
        {%- for channel in channels %}
            customers.orders_{{ channel }} / nullif(customers.order_count, 0) as {{ channel }}_share,
        {%- endfor %}
        customers.orders_other_channels / nullif(customers.order_count, 0) as other_channel_share,
        customers.discount_order_share,
        {%- for feature in user_feature_names %}
        user_feature_columns.{{ sql_identifier(feature) }},
    {%- endfor %}
        {%- for category in categories %}
            customers.spend_{{ category }} / nullif(customers.total_spend, 0) as {{ category }}_share,
        {%- endfor %}
        customers.spend_other_categories / nullif(customers.total_spend, 0) as other_category_share
    from customers
    inner join rfm
        on customers.customer_id = rfm.customer_id
    {%- if user_feature_names %}
        left join user_feature_columns
            on customers.customer_id = user_feature_columns.customer_id
    {%- endif %}
)

select * from features
