-- one row per customer: the reason they are left out of the CRM export, null when exported
with

customers as (
    select * from {{ ref('dim_customers') }}
),

checked as (
    select
        customer_id,
        source_customer_id,
        email,
        is_contactable,
        last_order_date,
        case
            when email is null or email = '' then 'no_email'
            when not is_email_valid then 'invalid_email'
            when not email_opt_in then 'not_opted_in'
            when is_unsubscribed then 'unsubscribed'
            -- a key is exported unchanged, so one a spreadsheet would run is not exported at all
            when
                {{ crm_starts_formula('email') }}
                or {{ crm_starts_formula('source_customer_id') }}
                then 'key_starts_formula'
        end as own_exclusion
    from customers
),

-- one contact per email: the customer who ordered last, then the lowest id, keeps it
ranked as (
    select
        *,
        row_number() over (
            partition by email, own_exclusion is null
            order by last_order_date desc nulls last, customer_id asc
        ) as email_rank
    from checked
),

decided as (
    select
        customer_id,
        source_customer_id,
        email,
        is_contactable,
        case
            when own_exclusion is not null then own_exclusion
            when email_rank > 1 then 'duplicate_email'
        end as exclusion_reason
    from ranked
)

select * from decided
