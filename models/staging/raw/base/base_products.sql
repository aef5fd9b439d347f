-- one row per distinct raw product row: parsed, with the reason it cannot be used (null if
-- usable); the post-hook rejects all but one of the rows sharing a key (settle_key_conflicts)
{{ config(post_hook="{{ settle_key_conflicts('products') }}") }}
{% set native_types = input_native_types('products') %}

with

-- source: the input's raw rows; distinct_rows: each distinct raw row once (macros/staging.sql)
{{ base_distinct_rows('products') }},

parsed as (
    select
        {{ parse_key('product_id', 'product', native_types) }} as product_id,
        {{ parse_key('product_id', 'product', native_types, as_text=true) }} as source_product_id,
        trim(name) as product_name,
        lower(trim(category)) as category,
        {{ parse_raw('price', 'double', native_types) }} as price,
        {{ distinct_row_fields() }},
        case
            when {{ parse_key('product_id', 'product', native_types) }} is null then 'invalid_product_id'
            when nullif(trim(category), '') is null then 'missing_category'
        end as rejection_reason
    from distinct_rows
)

select * from parsed
