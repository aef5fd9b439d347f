-- one row per distinct raw email event: parsed, with the reason it cannot be used (null if
-- usable); the post-hook rejects all but one of the rows sharing a key (settle_key_conflicts)
{{ config(post_hook="{{ settle_key_conflicts('email_events') }}") }}
{% set native_types = input_native_types('email_events') %}
{% set event_types = [
    'sent', 'hard_bounce', 'soft_bounce', 'open', 'click', 'unsubscribe', 'complaint', 'forward',
] %}

with

-- source: the input's raw rows; distinct_rows: each distinct raw row once (macros/staging.sql)
{{ base_distinct_rows('email_events') }},

campaigns as (
    select * from {{ ref('stg_campaigns') }}
),

customers as (
    select * from {{ ref('stg_customers') }}
),

parsed as (
    select
        {{ parse_key('event_id', 'email_event', native_types) }} as event_id,
        {{ parse_key('campaign_id', 'campaign', native_types) }} as campaign_id,
        {{ parse_key('customer_id', 'customer', native_types) }} as customer_id,
        lower(trim(email)) as email,
        lower(trim(event_type)) as event_type,
        {{ parse_raw('event_at', 'timestamp', native_types) }} as event_at,
        nullif(lower(trim(link_type)), '') as link_type,
        {#- an empty flag is no machine open (an export fills it on machine opens only) #}
        case
            when {{ raw_is_empty('is_machine_open', native_types) }} then false
            else {{ parse_raw('is_machine_open', 'boolean', native_types) }}
        end as is_machine_open,
        {{ distinct_row_fields() }}
    from distinct_rows
),

checked as (
    select
        parsed.*,
        case
            when parsed.event_id is null then 'invalid_event_id'
            when coalesce(parsed.event_type, '') not in (
                    {%- for event_type in event_types %}
                        '{{ event_type }}'{{ "," if not loop.last }}
                    {%- endfor %}
                ) then 'unknown_event_type'
            when parsed.event_at is null then 'unparseable_event_at'
            when parsed.is_machine_open is null then 'unparseable_is_machine_open'
            when campaigns.campaign_id is null then 'unknown_campaign'
            when customers.customer_id is null then 'unknown_customer'
        end as rejection_reason
    from parsed
    left join campaigns
        on parsed.campaign_id = campaigns.campaign_id
    left join customers
        on parsed.customer_id = customers.customer_id
)

select * from checked
