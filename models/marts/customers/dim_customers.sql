-- one row per clean customer: profile, consent and the purchase features later models use.
-- The purchase features are aggregated in tables of their own and joined in two steps
-- (int_customer_profiles first)
{% set categories = required_var('spend_categories') %}
{% set channels = required_var('order_channels') %}
{% set profile_columns = [
    'customer_id', 'source_customer_id', 'first_name', 'last_name', 'email', 'is_email_valid', 'gender', 'education',
    'marital_status', 'birth_year', 'age_years', 'income', 'kids_at_home', 'teens_at_home',
    'household_size', 'signup_date', 'tenure_days', 'country', 'email_opt_in', 'is_unsubscribed',
    'is_contactable', 'first_order_date', 'last_order_date', 'order_count', 'total_spend',
    'average_order_value', 'discount_order_share',
] %}

with

customer_profiles as (
    select * from {{ ref('int_customer_profiles') }}
),

category_features as (
    select * from {{ ref('int_customer_category_features') }}
),

joined as (
    select
        {%- for column in profile_columns %}
            customer_profiles.{{ column }},
        {%- endfor %}
        {%- for channel in channels %}
            customer_profiles.orders_{{ channel }},
            customer_profiles.spend_{{ channel }},
        {%- endfor %}
        customer_profiles.orders_other_channels,
        customer_profiles.spend_other_channels,
        {%- for category in categories %}
            coalesce(category_features.spend_{{ category }}, 0) as spend_{{ category }},
        {%- endfor %}
        coalesce(category_features.spend_other_categories, 0) as spend_other_categories,
        customer_profiles.has_outlier_order,
        customer_profiles.as_of_date
    from customer_profiles
    left join category_features
        on customer_profiles.customer_id = category_features.customer_id
)

select * from joined
