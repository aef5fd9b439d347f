-- one row per customer who bought in a revenue order: spend per category of var spend_categories,
-- the rest as spend_other_categories. A table of its own for the same reason as
-- int_customer_order_features
{% set categories = required_var('spend_categories') %}

with

category_spend as (
    select * from {{ ref('int_customer_category_spend') }}
),

category_features as (
    select
        customer_id,
        {%- for category in categories %}
            sum(case when category = {{ sql_literal(category) }} then spend else 0 end)
                as spend_{{ category }},
        {%- endfor %}
        sum(case when {{ not_one_of('category', categories) }} then spend else 0 end)
            as spend_other_categories
    from category_spend
    group by customer_id
)

select * from category_features
