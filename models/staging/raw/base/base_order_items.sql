-- one row per distinct raw order line: parsed, with the reason it cannot be used (null if
-- usable); the post-hook rejects all but one of the rows sharing a key (settle_key_conflicts)
{{ config(post_hook="{{ settle_key_conflicts('order_items') }}") }}
{% set native_types = input_native_types('order_items') %}

with

-- source: the input's raw rows; distinct_rows: each distinct raw row once (macros/staging.sql)
{{ base_distinct_rows('order_items') }},

orders as (
    select * from {{ ref('stg_orders') }}
),

products as (
    select * from {{ ref('stg_products') }}
),

parsed as (
    select
        {{ parse_key('order_id', 'order', native_types) }} as order_id,
        {{ parse_key('product_id', 'product', native_types) }} as product_id,
        {{ parse_raw('quantity', 'integer', native_types) }} as quantity,
        {{ parse_raw('unit_price', 'double', native_types) }} as unit_price,
        {{ distinct_row_fields() }}
    from distinct_rows
),

checked as (
    select
        parsed.*,
        case
            when parsed.order_id is null then 'invalid_order_id'
            when parsed.product_id is null then 'invalid_product_id'
            when parsed.quantity is null then 'unparseable_quantity'
            when parsed.quantity <= 0 then 'non_positive_quantity'
            {#- a price of 0 is a free item: a purchase worth nothing #}
            {%- if input_has_column('order_items', 'unit_price') %}
                when parsed.unit_price is null then 'unparseable_unit_price'
                when parsed.unit_price < 0 then 'negative_unit_price'
                when parsed.quantity * parsed.unit_price >= {{ money_limit() }} then 'amount_out_of_range'
            {%- endif %}
            {#- baskets without an orders file are still baskets: rules need no order header #}
            {%- if input_available('orders') %}
                when orders.order_id is null then 'unknown_or_rejected_order'
            {%- endif %}
            when products.product_id is null then 'unknown_product'
        end as rejection_reason
    from parsed
    left join orders
        on parsed.order_id = orders.order_id
    left join products
        on parsed.product_id = products.product_id
)

select * from checked
