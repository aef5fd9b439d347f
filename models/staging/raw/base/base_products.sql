-- one row per distinct raw product row: parsed, with the reason it cannot be used (null if
-- usable); the post-hook rejects all but one of the rows sharing a key (settle_key_conflicts)
{{ config(post_hook="{{ settle_key_conflicts('products') }}") }}
{% set raw_columns = input_columns('products') %}
{% set native_types = input_native_types('products') %}

with

source as (
    select * from {{ input_relation('products') }}
),

distinct_rows as (
    {{ collapse_exact_duplicates(
        'source', raw_columns, native_types, distinct=input_rows_are_distinct('products')
    ) }}
),

parsed as (
    select
        {{ parse_key('product_id', 'product', native_types) }} as product_id,
        {{ parse_key('product_id', 'product', native_types, as_text=true) }} as source_product_id,
        trim(name) as product_name,
        lower(trim(category)) as category,
        {{ parse_raw('price', 'double', native_types) }} as price,
        raw_values,
        empty_fields,
        copies,
        case
            when {{ parse_key('product_id', 'product', native_types) }} is null then 'invalid_product_id'
            when nullif(trim(category), '') is null then 'missing_category'
        end as rejection_reason
    from distinct_rows
)

select * from parsed
