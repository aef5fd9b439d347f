-- one row per distinct raw campaign row: parsed, with its own defect (null if none);
-- base_campaigns settles keys held by several rows
{% set raw_columns = input_columns('campaigns') %}

with

source as (
    select * from {{ input_relation('campaigns') }}
),

distinct_rows as (
    {{ collapse_exact_duplicates('source', raw_columns) }}
),

parsed as (
    select
        {{ parse_as('campaign_id', 'bigint') }} as campaign_id,
        trim(campaign_name) as campaign_name,
        {{ parse_as('sent_at', 'timestamp') }} as sent_at,
        trim(subject) as subject,
        coalesce({{ parse_as('cost', 'double') }}, 0) as cost,
        nullif(trim(experiment_id), '') as experiment_id,
        nullif(lower(trim(variant)), '') as variant,
        {{ parse_as('planned_share', 'double') }} as planned_share,
        raw_values,
        empty_fields,
        copies,
        case
            when {{ parse_as('campaign_id', 'bigint') }} is null then 'invalid_campaign_id'
            when {{ parse_as('sent_at', 'timestamp') }} is null then 'unparseable_sent_at'
        end as row_rejection_reason
    from distinct_rows
)

select * from parsed
