-- one row per email whose exported row is new, changed or removed since the export the operator
-- last acknowledged (crm_export_state, written by `customer-intel crm-ack`, macros/exports/crm_delivery.sql;
-- absent before the first acknowledgement). Builds never change what it says, so each delta holds
-- every change not yet imported, however many builds ran since.
{% set state = adapter.get_relation(
    database=this.database, schema=this.schema, identifier='crm_export_state'
) %}
{% set contacts_relation = ref('crm_contacts_export') %}
-- depends_on: {{ ref('int_crm_contact_profiles') }}
{{ config(pre_hook="{{ crm_export_state_upgrade(
    ref('crm_contacts_export'), ref('int_crm_contact_profiles')
) }}") }}

with

contacts as (
    select * from {{ contacts_relation }}
),

{% if state is not none -%}
    previous_state as (
        select * from {{ state }}
    ),
{%- endif %}

current_rows as (
    select
        *,
        {{ crm_row_checksum(crm_checksum_columns(contacts_relation)) }} as row_checksum
    from contacts
),

previous_rows as (
    {% if state is not none -%}
        select
            email,
            -- text since the state holds the id as the user's files write it; a state table
            -- kept from an earlier version holds the bigint key until the next acknowledgement
            {{ dbt.cast('customer_id', dbt.type_string()) }} as customer_id,
            row_checksum
        from previous_state
        where not is_removed
    {%- else -%}
        -- nothing acknowledged yet: every contact is new
        select
            cast(null as {{ dbt.type_string() }}) as email,
            cast(null as {{ dbt.type_string() }}) as customer_id,
            cast(null as {{ dbt.type_string() }}) as row_checksum
        where false
    {%- endif %}
),

compared as (
    -- columns in any order: the contract puts change_type and the key first
    select
        current_rows.first_name,
        current_rows.last_name,
        current_rows.kmeans_segment,
        current_rows.rfm_segment,
        current_rows.recommended_product_1,
        current_rows.recommended_product_2,
        current_rows.recommended_product_3,
        current_rows.monetary_value,
        current_rows.last_order_date,
        current_rows.predicted_clv,
        current_rows.churn_risk,
        current_rows.updated_on,
        current_rows.row_checksum,
        coalesce(current_rows.email, previous_rows.email) as email,
        coalesce(current_rows.customer_id, previous_rows.customer_id) as customer_id,
        case
            when previous_rows.email is null then 'new'
            when current_rows.email is null then 'removed'
            when current_rows.row_checksum <> previous_rows.row_checksum then 'changed'
        end as change_type
    from current_rows
    full outer join previous_rows
        on current_rows.email = previous_rows.email
),

changes as (
    select * from compared
    where change_type is not null
)

select * from changes
