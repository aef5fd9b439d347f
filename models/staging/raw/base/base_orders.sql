-- one row per distinct raw order row: parsed, with the reason it cannot be used (null if
-- usable); the post-hook rejects all but one of the rows sharing a key (settle_key_conflicts)
{{ config(post_hook="{{ settle_key_conflicts('orders') }}") }}
{% set native_types = input_native_types('orders') %}
{% set future_cutoff = date_var_or('future_date_cutoff', dbt.cast(dbt.current_timestamp(), type_date())) %}

with

-- source: the input's raw rows; distinct_rows: each distinct raw row once (macros/staging.sql)
{{ base_distinct_rows('orders') }},

customers as (
    select * from {{ ref('stg_customers') }}
),

parsed as (
    select
        {{ parse_key('order_id', 'order', native_types) }} as order_id,
        {{ parse_key('customer_id', 'customer', native_types) }} as customer_id,
        {{ parse_raw('ordered_at', 'timestamp', native_types) }} as ordered_at,
        lower(trim(channel)) as channel,
        lower(trim(status)) as order_status,
        coalesce({{ parse_raw('discount_used', 'boolean', native_types) }}, false) as discount_used,
        {{ distinct_row_fields() }}
    from distinct_rows
),

checked as (
    select
        parsed.*,
        case
            when parsed.order_id is null then 'invalid_order_id'
            when parsed.ordered_at is null then 'unparseable_ordered_at'
            when {{ dbt.cast('parsed.ordered_at', type_date()) }} > {{ future_cutoff }}
                then 'future_ordered_at'
            when customers.customer_id is null then 'unknown_customer'
        end as rejection_reason
    from parsed
    left join customers
        on parsed.customer_id = customers.customer_id
)

select * from checked
