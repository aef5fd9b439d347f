-- one row per customer with a revenue order: counts, dates and spend, in all and per channel.
-- A table of its own: at 10M customers, aggregating the orders inside dim_customers' join ran out
-- of memory within 3 GB
{% set channels = required_var('order_channels') %}

with

orders as (
    select * from {{ ref('int_orders_totalled') }}
),

order_features as (
    select
        customer_id,
        count(*) as order_count,
        min(ordered_on) as first_order_date,
        max(ordered_on) as last_order_date,
        {{ sum_money('order_amount') }} as total_spend,
        avg(case when discount_used then 1.0 else 0.0 end) as discount_order_share,
        {%- for channel in channels %}
            count(case when channel = {{ sql_literal(channel) }} then order_id end) as orders_{{ channel }},
            {%- set channel_amount =
                "case when channel = " ~ sql_literal(channel) ~ " then order_amount else 0 end" %}
            {{ sum_money(channel_amount) }} as spend_{{ channel }},
        {%- endfor %}
        count(case when {{ not_one_of('channel', channels) }} then order_id end) as orders_other_channels,
        {%- set other_amount =
            "case when " ~ not_one_of('channel', channels) ~ " then order_amount else 0 end" %}
        {{ sum_money(other_amount) }} as spend_other_channels,
        max(case when is_outlier then 1 else 0 end) = 1 as has_outlier_order
    from orders
    where is_revenue_order
    group by customer_id
),

averaged as (
    select
        *,
        total_spend / order_count as average_order_value
    from order_features
)

select * from averaged
