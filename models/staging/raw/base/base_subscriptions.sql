-- one row per distinct raw list event: parsed, with the reason it cannot be used (null if
-- usable); the post-hook rejects all but one of the rows sharing a key (settle_key_conflicts)
{{ config(post_hook="{{ settle_key_conflicts('subscriptions') }}") }}
{% set native_types = input_native_types('subscriptions') %}

with

-- source: the input's raw rows; distinct_rows: each distinct raw row once (macros/staging.sql)
{{ base_distinct_rows('subscriptions') }},

customers as (
    select * from {{ ref('stg_customers') }}
),

parsed as (
    select
        {{ parse_key('subscription_event_id', 'subscription_event', native_types) }} as subscription_event_id,
        {{ parse_key('customer_id', 'customer', native_types) }} as customer_id,
        lower(trim(email)) as email,
        lower(trim(event_type)) as event_type,
        {{ parse_raw('event_at', 'timestamp', native_types) }} as event_at,
        {{ distinct_row_fields() }}
    from distinct_rows
),

checked as (
    select
        parsed.*,
        case
            when parsed.subscription_event_id is null then 'invalid_subscription_event_id'
            when coalesce(parsed.event_type, '') not in ('subscribe', 'unsubscribe', 'complaint')
                then 'unknown_event_type'
            when parsed.event_at is null then 'unparseable_event_at'
            when customers.customer_id is null then 'unknown_customer'
        end as rejection_reason
    from parsed
    left join customers
        on parsed.customer_id = customers.customer_id
)

select * from checked
