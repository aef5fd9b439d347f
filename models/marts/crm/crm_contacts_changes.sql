-- one row per email whose exported row is new, changed or removed since the previous export.
-- The previous export is crm_export_state, read by name rather than ref(): that model refs this
-- one so that it is updated only after this diff is taken (and not when this model fails).
{{ config(post_hook="{{ publish_crm_csv('contacts_changes', order_by='email') }}") }}

{% set state = adapter.get_relation(
    database=this.database, schema=this.schema, identifier='crm_export_state'
) %}
{% set contacts_relation = ref('crm_contacts_export') %}
{#- the checksum covers every exported column but the key and the as-of stamp -#}
{% set checksum_columns = [] %}
{% for column in adapter.get_columns_in_relation(contacts_relation) %}
    {% if column.name not in ('email', 'updated_on') %}
        {% do checksum_columns.append(column.name) %}
    {% endif %}
{% endfor %}

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
        {{ crm_row_checksum(checksum_columns) }} as row_checksum
    from contacts
),

previous_rows as (
    {% if state is not none -%}
        select
            email,
            -- text since the state holds the id as the user's files write it; a state table
            -- kept from an earlier version still holds the bigint key until crm_export_state runs
            {{ dbt.cast('customer_id', dbt.type_string()) }} as customer_id,
            row_checksum
        from previous_state
        where not is_removed
    {%- else -%}
        -- the first build: nothing was exported before
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
