-- one row per distinct raw product row: parsed, with its own defect (null if none);
-- base_products settles keys held by several rows
{% set raw_columns = input_columns('products') %}

with

source as (
    select * from {{ input_relation('products') }}
),

distinct_rows as (
    {{ collapse_exact_duplicates('source', raw_columns) }}
),

parsed as (
    select
        {{ parse_as('product_id', 'bigint') }} as product_id,
        trim(name) as product_name,
        lower(trim(category)) as category,
        {{ parse_as('price', 'double') }} as price,
        raw_values,
        empty_fields,
        copies,
        case
            when {{ parse_as('product_id', 'bigint') }} is null then 'invalid_product_id'
            when nullif(trim(category), '') is null then 'missing_category'
        end as row_rejection_reason
    from distinct_rows
)

select * from parsed
