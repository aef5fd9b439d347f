-- one row per distinct raw list event: parsed, with its own defect (null if none);
-- base_subscriptions settles keys held by several rows
{% set raw_columns = input_columns('subscriptions') %}

with

source as (
    select * from {{ input_relation('subscriptions') }}
),

customers as (
    select * from {{ ref('stg_customers') }}
),

distinct_rows as (
    {{ collapse_exact_duplicates('source', raw_columns) }}
),

parsed as (
    select
        {{ parse_as('subscription_event_id', 'bigint') }} as subscription_event_id,
        {{ parse_as('customer_id', 'bigint') }} as customer_id,
        lower(trim(email)) as email,
        lower(trim(event_type)) as event_type,
        {{ parse_as('event_at', 'timestamp') }} as event_at,
        raw_values,
        empty_fields,
        copies
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
        end as row_rejection_reason
    from parsed
    left join customers
        on parsed.customer_id = customers.customer_id
)

select * from checked
