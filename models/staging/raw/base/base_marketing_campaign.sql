-- one row per distinct row of the user's marketing_campaign file (no rows with the bundled data):
-- parsed, with the reason it cannot be used (null if usable). The file's customers, orders, order
-- lines and offer responses are made from the usable rows alone (macros/input/input_derivations.sql).
-- A row is rejected whole when a field its orders are made of is unusable: ID, Recency, the
-- web, catalogue and store purchase counts and the Mnt* spend. Any other field that does not
-- parse (Income, Year_Birth, Dt_Customer, Kidhome, ...) is kept empty: staging turns it into null.
-- The post-hook rejects all but one of the rows sharing an ID (settle_key_conflicts).
{{ config(post_hook="{{ settle_key_conflicts('marketing_campaign') }}") }}
{% set native_types = input_native_types('marketing_campaign') %}
{% set counts = {
    'web_purchases': 'NumWebPurchases',
    'catalog_purchases': 'NumCatalogPurchases',
    'store_purchases': 'NumStorePurchases',
    'deal_purchases': 'NumDealsPurchases',
} %}
{% set spend_columns = [] %}
{% for category in input_marketing_categories() %}
    {% do spend_columns.append('spend_' ~ category.category) %}
{% endfor %}

with

-- source: the input's raw rows; distinct_rows: each distinct raw row once (macros/staging.sql)
{{ base_distinct_rows('marketing_campaign') }},

-- an empty count or spend is 0; a count or spend that does not parse, or is negative, is null
parsed as (
    select
        *,
        {{ parse_raw('Recency', 'integer', native_types) }} as recency_days,
        {%- for name, column in counts.items() %}
            case
                when {{ raw_is_empty(column, native_types) }} then 0
                when {{ parse_raw(column, 'integer', native_types) }} >= 0
                    then {{ parse_raw(column, 'integer', native_types) }}
            end as {{ name }},
        {%- endfor %}
        {%- for category in input_marketing_categories() %}
            case
                when {{ raw_is_empty(category.column, native_types) }} then 0
                when {{ parse_raw(category.column, 'double', native_types) }} >= 0
                    then {{ parse_raw(category.column, 'double', native_types) }}
            end as spend_{{ category.category }},
        {%- endfor %}
        {{ parse_key('ID', 'customer', native_types) }} as customer_key,
        {{ parse_key('ID', 'customer', native_types, as_text=true) }} as source_customer_id
    from distinct_rows
),

-- null when any category's spend is
totalled as (
    select
        *,
        {{ spend_columns | join(' + ') }} as total_spend
    from parsed
),

checked as (
    select
        *,
        case
            when customer_key is null then 'missing_customer_id'
            when recency_days is null or recency_days < 0 then 'unparseable_recency'
            when
                web_purchases is null or catalog_purchases is null or store_purchases is null
                then 'unparseable_purchase_count'
            when total_spend is null then 'unparseable_spend'
            when total_spend >= {{ money_limit() }} then 'amount_out_of_range'
        end as rejection_reason
    from totalled
)

select
    {{ input_columns('marketing_campaign') | join(', ') }},
    customer_key,
    source_customer_id,
    recency_days,
    {{ counts.keys() | join(', ') }},
    {{ spend_columns | join(', ') }},
    {{ distinct_row_fields() }},
    rejection_reason
from checked
