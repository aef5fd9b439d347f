-- one row per distinct raw campaign response: parsed, with the reason it cannot be used (null if
-- usable); the post-hook rejects all but one of the rows sharing a key (settle_key_conflicts)
{{ config(post_hook="{{ settle_key_conflicts('campaign_responses') }}") }}
{% set native_types = input_native_types('campaign_responses') %}

with

-- source: the input's raw rows; distinct_rows: each distinct raw row once (macros/staging.sql)
{{ base_distinct_rows('campaign_responses') }},

customers as (
    select * from {{ ref('stg_customers') }}
),

parsed as (
    select
        {{ parse_key('customer_id', 'customer', native_types) }} as customer_id,
        trim(campaign) as campaign,
        {{ parse_raw('accepted', 'integer', native_types) }} as accepted,
        {{ distinct_row_fields() }}
    from distinct_rows
),

checked as (
    select
        parsed.*,
        case
            when parsed.customer_id is null then 'invalid_customer_id'
            when nullif(parsed.campaign, '') is null then 'missing_campaign'
            when coalesce(parsed.accepted, -1) not in (0, 1) then 'accepted_not_0_or_1'
            when customers.customer_id is null then 'unknown_customer'
        end as rejection_reason
    from parsed
    left join customers
        on parsed.customer_id = customers.customer_id
)

select * from checked
