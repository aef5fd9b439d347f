-- one row per usable customer: trimmed, lower-cased email and a validity flag
with

customers as (
    select * from {{ ref('base_customers') }}
    where rejection_reason is null
),

flagged as (
    select
        customer_id,
        source_customer_id,
        first_name,
        last_name,
        email,
        coalesce({{ regexp_like('email', '^[^@\\s]+@[^@\\s]+\\.[^@\\s.]{2,}$') }}, false)
            as is_email_valid,
        birth_year,
        gender,
        education,
        marital_status,
        income,
        kids_at_home,
        teens_at_home,
        signup_date,
        country,
        email_opt_in
    from customers
)

select * from flagged
