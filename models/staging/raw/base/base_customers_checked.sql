-- one row per distinct raw customer row: parsed, with its own defect (null if none);
-- base_customers settles keys held by several rows
{% set raw_columns = input_columns('customers') %}

with

source as (
    select * from {{ input_relation('customers') }}
),

distinct_rows as (
    {{ collapse_exact_duplicates('source', raw_columns) }}
),

parsed as (
    select
        {{ parse_as('customer_id', 'bigint') }} as customer_id,
        trim(first_name) as first_name,
        trim(last_name) as last_name,
        lower(trim(email)) as email,
        {{ parse_as('birth_year', 'integer') }} as birth_year,
        upper(trim(gender)) as gender,
        trim(education) as education,
        trim(marital_status) as marital_status,
        {{ parse_as('income', 'double') }} as income,
        {{ parse_as('kids_at_home', 'integer') }} as kids_at_home,
        {{ parse_as('teens_at_home', 'integer') }} as teens_at_home,
        {{ parse_as('signup_date', 'date') }} as signup_date,
        upper(trim(country)) as country,
        coalesce({{ parse_as('email_opt_in', 'boolean') }}, false) as email_opt_in,
        raw_values,
        empty_fields,
        copies,
        case
            when {{ parse_as('customer_id', 'bigint') }} is null then 'invalid_customer_id'
        end as row_rejection_reason
    from distinct_rows
)

select * from parsed
