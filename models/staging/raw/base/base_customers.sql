-- one row per distinct raw customer row: parsed, with the reason it cannot be used (null if
-- usable); the post-hook rejects all but one of the rows sharing a key (settle_key_conflicts)
{{ config(post_hook="{{ settle_key_conflicts('customers') }}") }}
{% set native_types = input_native_types('customers') %}

with

-- source: the input's raw rows; distinct_rows: each distinct raw row once (macros/staging.sql)
{{ base_distinct_rows('customers') }},

parsed as (
    select
        {{ parse_key('customer_id', 'customer', native_types) }} as customer_id,
        {{ parse_key('customer_id', 'customer', native_types, as_text=true) }} as source_customer_id,
        trim(first_name) as first_name,
        trim(last_name) as last_name,
        lower(trim(email)) as email,
        {{ parse_raw('birth_year', 'integer', native_types) }} as birth_year,
        upper(trim(gender)) as gender,
        trim(education) as education,
        trim(marital_status) as marital_status,
        {{ parse_raw('income', 'double', native_types) }} as income,
        {{ parse_raw('kids_at_home', 'integer', native_types) }} as kids_at_home,
        {{ parse_raw('teens_at_home', 'integer', native_types) }} as teens_at_home,
        {{ parse_raw('signup_date', 'date', native_types) }} as signup_date,
        upper(trim(country)) as country,
        coalesce({{ parse_raw('email_opt_in', 'boolean', native_types) }}, false) as email_opt_in,
        {{ distinct_row_fields() }},
        case
            when {{ parse_key('customer_id', 'customer', native_types) }} is null then 'invalid_customer_id'
        end as rejection_reason
    from distinct_rows
)

select * from parsed
