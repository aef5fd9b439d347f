-- one row per product that may be recommended: every product but the placeholders (var
-- recommendation_placeholder_names, by name or id, in any case)
{% set placeholders = required_var('recommendation_placeholder_names') | map('lower') | list %}

with

products as (
    select * from {{ ref('stg_products') }}
),

recommendable as (
    select
        product_id,
        source_product_id,
        product_name,
        category,
        price
    from products
    {% if placeholders -%}
        where
            lower(trim(coalesce(product_name, ''))) not in ({{ sql_literals(placeholders) }})
            and lower(trim(source_product_id)) not in ({{ sql_literals(placeholders) }})
    {%- endif %}
)

select * from recommendable
