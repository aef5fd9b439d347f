-- one row per distinct raw customer feature value: parsed, with the reason it cannot be used (null if
-- usable); the post-hook rejects all but one of the rows sharing a key (settle_key_conflicts)
{{ config(post_hook="{{ settle_key_conflicts('customer_features') }}") }}
{% set native_types = input_native_types('customer_features') %}

with

-- source: the input's raw rows; distinct_rows: each distinct raw row once (macros/staging.sql)
{{ base_distinct_rows('customer_features') }},

customers as (
    select * from {{ ref('stg_customers') }}
),

parsed as (
    select
        {{ parse_key('customer_id', 'customer', native_types) }} as customer_id,
        lower(trim(feature)) as feature,
        {{ parse_raw('value', 'double', native_types) }} as feature_value,
        {{ distinct_row_fields() }}
    from distinct_rows
),

checked as (
    select
        parsed.*,
        case
            when parsed.customer_id is null then 'invalid_customer_id'
            when nullif(parsed.feature, '') is null then 'missing_feature'
            when parsed.feature_value is null then 'unparseable_value'
            when customers.customer_id is null then 'unknown_customer'
        end as rejection_reason
    from parsed
    left join customers
        on parsed.customer_id = customers.customer_id
)

select * from checked
