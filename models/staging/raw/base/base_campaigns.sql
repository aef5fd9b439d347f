-- one row per distinct raw campaign row: parsed, with the reason it cannot be used (null if
-- usable); the post-hook rejects all but one of the rows sharing a key (settle_key_conflicts)
{{ config(post_hook="{{ settle_key_conflicts('campaigns') }}") }}
{% set native_types = input_native_types('campaigns') %}

with

-- source: the input's raw rows; distinct_rows: each distinct raw row once (macros/staging.sql)
{{ base_distinct_rows('campaigns') }},

parsed as (
    select
        {{ parse_key('campaign_id', 'campaign', native_types) }} as campaign_id,
        trim(campaign_name) as campaign_name,
        {{ parse_raw('sent_at', 'timestamp', native_types) }} as sent_at,
        trim(subject) as subject,
        coalesce({{ parse_raw('cost', 'double', native_types) }}, 0) as cost,
        nullif(trim(experiment_id), '') as experiment_id,
        nullif(lower(trim(variant)), '') as variant,
        {{ parse_raw('planned_share', 'double', native_types) }} as planned_share,
        {{ distinct_row_fields() }},
        case
            when {{ parse_key('campaign_id', 'campaign', native_types) }} is null then 'invalid_campaign_id'
            when {{ parse_raw('sent_at', 'timestamp', native_types) }} is null then 'unparseable_sent_at'
        end as rejection_reason
    from distinct_rows
)

select * from parsed
