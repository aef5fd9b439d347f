-- one row per distinct row of the user's mall_customers file (no rows with the bundled data):
-- parsed, with the reason it cannot be used (null if usable). The file's customers and their
-- three segmentation features are made from the usable rows alone (macros/input/input_derivations.sql).
-- A row is rejected whole when its id is missing or one of Age, AnnualIncome and SpendingScore is
-- empty or not a number: K-means places a customer on all three. Gender is kept as written.
-- The post-hook rejects all but one of the rows sharing a CustomerID (settle_key_conflicts).
{{ config(post_hook="{{ settle_key_conflicts('mall_customers') }}") }}
{% set native_types = input_native_types('mall_customers') %}
{#- file column -> (parsed column, name in the rejection reason); names are case-insensitive, so
    the parsed age cannot be called age -#}
{% set features = {
    'Age': ('age_years', 'age'),
    'AnnualIncome': ('annual_income', 'annual_income'),
    'SpendingScore': ('spending_score', 'spending_score'),
} %}

with

-- source: the input's raw rows; distinct_rows: each distinct raw row once (macros/staging.sql)
{{ base_distinct_rows('mall_customers') }},

parsed as (
    select
        *,
        {%- for column, (name, _) in features.items() %}
            {{ raw_is_empty(column, native_types) }} as {{ name }}_is_empty,
            {{ parse_raw(column, 'double', native_types) }} as {{ name }},
        {%- endfor %}
        {{ parse_key('CustomerID', 'customer', native_types) }} as customer_key,
        {{ parse_key('CustomerID', 'customer', native_types, as_text=true) }} as source_customer_id
    from distinct_rows
),

checked as (
    select
        *,
        case
            when customer_key is null then 'missing_customer_id'
            {%- for name, label in features.values() %}
                when {{ name }}_is_empty then 'missing_{{ label }}'
                when {{ name }} is null then 'unparseable_{{ label }}'
            {%- endfor %}
        end as rejection_reason
    from parsed
)

select
    {{ input_columns('mall_customers') | join(', ') }},
    customer_key,
    source_customer_id,
    {%- for name, _ in features.values() %}
        {{ name }},
    {%- endfor %}
    {{ distinct_row_fields() }},
    rejection_reason
from checked
