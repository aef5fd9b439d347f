-- one row per distinct line of the user's transaction log (input transactions; no rows with the
-- bundled data): parsed, with the reason it cannot be used (null if usable). The log's customers,
-- orders, order lines and products are built from the usable lines alone
-- (macros/input/input_derivations.sql), so a bad line never takes another line with it. The
-- post-hook rejects the lines of an order id that another customer's lines hold
-- (settle_order_owners). raw_values is kept for the lines that are or may become rejected only:
-- storing it for every line cost 11 s at 1M customers.
{{ config(post_hook="{{ settle_order_owners() }}") }}
{% set native_types = input_native_types('transactions') %}
{% set future_cutoff = date_var_or('future_date_cutoff', dbt.cast(dbt.current_timestamp(), type_date())) %}
{% set has_amount = input_has_column('transactions', 'amount') %}
{% set has_unit_price = input_has_column('transactions', 'unit_price') %}
{#- customers and products given in their own files: a line must name one of theirs -#}
{% set given = input_sources() or {} %}
{% set customer_file = 'transactions' in given and 'customers' in given %}
{% set product_file = 'transactions' in given and 'products' in given %}
{% set has_order_id = input_has_column('transactions', 'order_id') %}

with

-- source: the input's raw rows; distinct_rows: each distinct raw row once (macros/staging.sql)
{{ base_distinct_rows('transactions') }},

{% if customer_file %}
    customers as (
        select * from {{ ref('stg_customers') }}
    ),
{% endif %}

{% if product_file %}
    products as (
        select * from {{ ref('stg_products') }}
    ),
{% endif %}

{% if has_order_id %}
    -- order ids whose lines name several customers: only their lines can lose the order to
    -- another customer
    shared_orders as (
        select order_id
        from source
        group by order_id
        having min(customer_id) <> max(customer_id)
    ),
{% endif %}

parsed as (
    select
        {{ parse_key('customer_id', 'customer', native_types) }} as customer_id,
        {{ parse_key('customer_id', 'customer', native_types, as_text=true) }} as source_customer_id,
        {{ parse_key('order_id', 'order', native_types, as_text=true) }} as source_order_id,
        {{ parse_key('order_id', 'order', native_types) }} as order_id_key,
        {{ parse_key('product_id', 'product', native_types) }} as product_id_key,
        {{ parse_raw('order_date', 'timestamp', native_types) }} as ordered_at,
        coalesce({{ parse_key('product_id', 'product', native_types, as_text=true) }}, 'unspecified')
            as source_product_key,
        -- an empty quantity is one unit, as in an order_items file without the column
        case
            when {{ raw_is_empty('quantity', native_types) }} then 1
            else {{ parse_raw('quantity', 'double', native_types) }}
        end as line_quantity,
        {{ parse_raw('amount', 'double', native_types) }} as amount,
        {{ parse_raw('unit_price', 'double', native_types) }} as unit_price,
        nullif(trim(product_name), '') as product_name,
        nullif(trim(category), '') as category,
        nullif(trim(channel), '') as channel,
        {{ raw_is_empty('order_date', native_types) }} as order_date_is_empty,
        {{ raw_is_empty('amount', native_types) }} as amount_is_empty,
        {{ raw_is_empty('unit_price', native_types) }} as unit_price_is_empty,
        {{ distinct_row_fields() }}
    from distinct_rows
),

-- the line total: amount, else quantity x unit price; without either column, no money at all
priced as (
    select
        *,
        -- keyed from the file's own value: keying the text again cost seconds at 1M customers
        coalesce(product_id_key, {{ input_key("'unspecified'", 'product') }}) as product_key,
        {%- if has_amount and has_unit_price %}
            coalesce(amount, unit_price * line_quantity) as line_amount
        {%- elif has_amount %}
            amount as line_amount
        {%- elif has_unit_price %}
            unit_price * line_quantity as line_amount
        {%- else %}
            cast(null as {{ type_double() }}) as line_amount
        {%- endif %}
    from parsed
),

checked as (
    select
        priced.*,
        case
            when priced.customer_id is null then 'missing_customer_id'
            when priced.order_date_is_empty then 'missing_order_date'
            when priced.ordered_at is null then 'unparseable_order_date'
            when {{ dbt.cast('priced.ordered_at', type_date()) }} > {{ future_cutoff }}
                then 'future_order_date'
            when priced.line_quantity is null then 'unparseable_quantity'
            when priced.line_quantity <= 0 then 'non_positive_quantity'
            {%- if has_amount %}
                when not priced.amount_is_empty and priced.amount is null then 'unparseable_amount'
            {%- endif %}
            {%- if has_unit_price %}
                when not priced.unit_price_is_empty and priced.unit_price is null
                    then 'unparseable_unit_price'
            {%- endif %}
            {%- if has_amount or has_unit_price %}
                when priced.line_amount is null then 'missing_amount'
                -- a line total of 0 is a free item: a purchase worth nothing
                when priced.line_amount < 0 then 'negative_amount'
                when priced.line_amount >= {{ money_limit() }} then 'amount_out_of_range'
            {%- endif %}
            {%- if customer_file %}
                when customers.customer_id is null then 'unknown_customer'
            {%- endif %}
            {%- if product_file %}
                when products.product_id is null then 'unknown_product'
            {%- endif %}
        end as rejection_reason
    from priced
    {%- if customer_file %}
        left join customers
            on priced.customer_id = customers.customer_id
    {%- endif %}
    {%- if product_file %}
        left join products
            on priced.product_key = products.product_id
    {%- endif %}
),

-- without order_id, a customer's usable lines on one date are one order
order_keyed as (
    select
        *,
        coalesce(source_order_id, {{ dbt.concat([
            "source_customer_id", "'|'",
            dbt.cast(dbt.cast('ordered_at', type_date()), dbt.type_string()),
        ]) }}) as source_order_key
    from checked
),

keyed as (
    select
        *,
        coalesce(order_id_key, {{ input_key('source_order_key', 'order') }}) as order_key
    from order_keyed
),

flagged as (
    select
        *,
        {%- if has_order_id %}
            -- raw_values is a struct, not a table
            raw_values.order_id -- noqa: RF03
            in (select shared_orders.order_id from shared_orders)
        {%- else %}
            false
        {%- endif %} as is_shared_order
    from keyed
)

select
    customer_id,
    source_customer_id,
    order_key,
    source_order_key,
    product_key,
    source_product_key,
    ordered_at,
    line_quantity,
    line_amount,
    product_name,
    category,
    channel,
    empty_fields,
    copies,
    rejection_reason,
    is_shared_order,
    case when rejection_reason is not null or is_shared_order then raw_values end as raw_values
from flagged
