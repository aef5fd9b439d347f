-- one row per email ever exported: the checksum of its last exported row, kept between builds
-- (full_refresh: false) so crm_contacts_changes can diff the next build against it
{{ config(
    materialized='incremental',
    unique_key='email',
    incremental_strategy='delete+insert',
    full_refresh=false,
    on_schema_change='fail',
    pre_hook="{{ crm_export_state_upgrade() }}",
) }}

with

changes as (
    select * from {{ ref('crm_contacts_changes') }}
),

latest_export as (
    select
        email,
        customer_id,
        row_checksum,
        change_type = 'removed' as is_removed,
        change_type as last_change_type,
        -- when the state changed: bookkeeping only, never exported
        {{ dbt.current_timestamp() }} as last_changed_at
    from changes
)

select * from latest_export
