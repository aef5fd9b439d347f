-- one row per distinct raw web session: parsed, with the reason it cannot be used (null if
-- usable); the post-hook rejects all but one of the rows sharing a key (settle_key_conflicts)
{{ config(post_hook="{{ settle_key_conflicts('web_sessions') }}") }}
{% set native_types = input_native_types('web_sessions') %}

with

-- source: the input's raw rows; distinct_rows: each distinct raw row once (macros/staging.sql)
{{ base_distinct_rows('web_sessions') }},

customers as (
    select * from {{ ref('stg_customers') }}
),

parsed as (
    select
        {{ parse_key('session_id', 'web_session', native_types) }} as session_id,
        {{ parse_key('customer_id', 'customer', native_types) }} as customer_id,
        {{ parse_raw('started_at', 'timestamp', native_types) }} as started_at,
        {{ parse_raw('pages_viewed', 'integer', native_types) }} as pages_viewed,
        nullif(lower(trim(traffic_source)), '') as traffic_source,
        nullif(lower(trim(device)), '') as device,
        -- an empty customer_id is an anonymous session, not a defect
        not {{ raw_is_empty('customer_id', native_types) }} as has_customer_reference,
        {{ distinct_row_fields() }}
    from distinct_rows
),

checked as (
    select
        parsed.*,
        case
            when parsed.session_id is null then 'invalid_session_id'
            when parsed.started_at is null then 'unparseable_started_at'
            when parsed.pages_viewed is null or parsed.pages_viewed < 1 then 'non_positive_pages_viewed'
            when parsed.has_customer_reference and customers.customer_id is null then 'unknown_customer'
        end as rejection_reason
    from parsed
    left join customers
        on parsed.customer_id = customers.customer_id
)

select * from checked
