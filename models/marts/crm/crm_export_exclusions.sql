-- one row per reason a customer is left out of the CRM export, with how many customers it covers
{% set reasons = [
    'no_email', 'invalid_email', 'not_opted_in', 'unsubscribed', 'key_starts_formula',
    'duplicate_email',
] %}

with

eligibility as (
    select * from {{ ref('crm_contact_eligibility') }}
),

-- every reason gets a row, so a reason with no customers shows 0 instead of disappearing
reasons as (
    {%- for reason in reasons %}
        select
            '{{ reason }}' as exclusion_reason,
            {{ loop.index }} as precedence
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

counted as (
    select
        exclusion_reason,
        count(*) as customers
    from eligibility
    where exclusion_reason is not null
    group by exclusion_reason
),

summarised as (
    select
        reasons.exclusion_reason,
        reasons.precedence,
        coalesce(counted.customers, 0) as customers
    from reasons
    left join counted
        on reasons.exclusion_reason = counted.exclusion_reason
)

select * from summarised
