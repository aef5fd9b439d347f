-- one row per customer in dim_customers: the raw (unscaled) features k-means segmentation uses
{% set categories = required_var('spend_categories') %}
{% set channels = required_var('order_channels') %}

with

customers as (
    select * from {{ ref('dim_customers') }}
),

rfm as (
    select * from {{ ref('customer_rfm') }}
),

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
        customers.discount_order_share,
    {%- for category in categories %}
        customers.spend_{{ category }} / nullif(customers.total_spend, 0) as {{ category }}_share
        {{- "," if not loop.last }}
    {%- endfor %}
    from customers
    inner join rfm
        on customers.customer_id = rfm.customer_id
)

select * from features
