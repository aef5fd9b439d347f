{#-
  Core entities derived from the convenience entities of the input contract, named
  input_<entity>_from_<origin> (called by duckdb__input_select in input_sources.sql).
-#}

{#- transactions: one purchase line each, staged line by line in base_transactions; only its
    usable lines make customers, orders, order lines and products. Without order_id, a customer's
    lines on one date are one order, placed at its earliest time; lines of one order and product
    add up; amount is the line total (else quantity x unit_price). -#}
{% macro input_transaction_lines() -%}
    (
        select * from {{ ref('base_transactions') }}
        where rejection_reason is null
    ) as transaction_lines
{%- endmacro %}

{% macro input_customers_from_transactions() %}
    {{ return(input_emit('customers', {'customer_id': 'source_customer_id'},
        input_transaction_lines(), group_by=['source_customer_id'])) }}
{% endmacro %}

{% macro input_orders_from_transactions() %}
    {{ return(input_emit('orders', {
        'order_id': 'source_order_key',
        'customer_id': 'source_customer_id',
        'ordered_at': 'min(ordered_at)',
        'channel': 'min(channel)',
        'status': sql_literal(required_var('revenue_order_status')),
    }, input_transaction_lines(), group_by=['source_order_key', 'source_customer_id'])) }}
{% endmacro %}

{% macro input_order_items_from_transactions() %}
    {{ return(input_emit('order_items', {
        'order_id': 'source_order_key',
        'product_id': 'source_product_key',
        'quantity': 'sum(line_quantity)',
        'unit_price': 'sum(line_amount) / sum(line_quantity)',
    }, input_transaction_lines(), group_by=['source_order_key', 'source_product_key'])) }}
{% endmacro %}

{% macro input_products_from_transactions() %}
    {{ return(input_emit('products', {
        'product_id': 'source_product_key',
        'name': 'coalesce(max(product_name), source_product_key)',
        'category': "coalesce(max(category), 'uncategorised')",
    }, input_transaction_lines(), group_by=['source_product_key'])) }}
{% endmacro %}

{% macro input_customers_from_orders() %}
    {{ return(input_emit('customers', {'customer_id': 'customer_id'}, input_read('orders'),
        group_by=['customer_id'])) }}
{% endmacro %}

{% macro input_products_from_order_items() %}
    {{ return(input_emit('products', {
        'product_id': 'product_id',
        'name': 'product_id',
        'category': "'uncategorised'",
    }, input_read('order_items'), group_by=['product_id'])) }}
{% endmacro %}


{#- marketing_campaign (Kaggle "Customer Personality Analysis"): one row per customer with spend
    per category and purchases per channel, staged row by row in base_marketing_campaign; only its
    usable rows make customers, orders, order lines and offer responses. Each customer gets
    NumWeb + NumCatalog + NumStore purchases as orders, the latest Recency days before the as-of
    date and one a week before each other, their channels in that order, the first
    NumDealsPurchases with a discount; each category's spend is spread evenly over them. So RFM
    and the spend and channel features equal the file's figures exactly. A customer with spend but
    no purchase counts gets one order, Recency days back and without a channel, holding the spend:
    the spend stays in the spend columns and RFM counts it as one purchase. -#}
{% macro input_marketing_categories() %}
    {{ return([
        {'product_id': 1, 'name': 'Wines', 'category': 'wine', 'column': 'MntWines'},
        {'product_id': 2, 'name': 'Fruits', 'category': 'fruit', 'column': 'MntFruits'},
        {'product_id': 3, 'name': 'Meat Products', 'category': 'meat', 'column': 'MntMeatProducts'},
        {'product_id': 4, 'name': 'Fish Products', 'category': 'fish', 'column': 'MntFishProducts'},
        {'product_id': 5, 'name': 'Sweet Products', 'category': 'sweets', 'column': 'MntSweetProducts'},
        {'product_id': 6, 'name': 'Gold Products', 'category': 'gold', 'column': 'MntGoldProds'},
    ]) }}
{% endmacro %}

{% macro input_marketing_rows() -%}
    (
        select * from {{ ref('base_marketing_campaign') }}
        where rejection_reason is null
    )
{%- endmacro %}

{% macro input_marketing_purchases() -%}
    (
        select
            *,
            unnest(range(order_count)) as purchase_number
        from (
            select
                *,
                web_purchases + catalog_purchases + store_purchases as purchases,
                case
                    when web_purchases + catalog_purchases + store_purchases > 0
                        then web_purchases + catalog_purchases + store_purchases
                    when
                        {%- for category in input_marketing_categories() %}
                            spend_{{ category.category }}{{ " +" if not loop.last }}
                        {%- endfor %}
                        > 0 then 1
                    else 0
                end as order_count
            from {{ input_marketing_rows() }}
        )
    ) as purchases
{%- endmacro %}

{#- the order of a customer's purchase_number-th purchase -#}
{% macro input_marketing_order_id() -%}
    {{ dbt.concat(["source_customer_id", "'-'", dbt.cast('purchase_number', dbt.type_string())]) }}
{%- endmacro %}

{% macro input_customers_from_marketing_campaign() %}
    {{ return(input_emit('customers', {
        'customer_id': 'source_customer_id',
        'birth_year': 'year_birth',
        'education': 'education',
        'marital_status': 'marital_status',
        'income': 'income',
        'kids_at_home': 'kidhome',
        'teens_at_home': 'teenhome',
        'signup_date': 'dt_customer',
    }, input_marketing_rows())) }}
{% endmacro %}

{% macro input_orders_from_marketing_campaign() %}
    {{ return(input_emit('orders', {
        'order_id': input_marketing_order_id(),
        'customer_id': 'source_customer_id',
        'ordered_at': input_as_of_date() ~ " - cast(recency_days + 7 * purchase_number as integer)",
        'channel': "case when purchase_number < web_purchases then 'web'"
            ~ " when purchase_number < web_purchases + catalog_purchases then 'catalog'"
            ~ " when purchase_number < purchases then 'store' end",
        'status': sql_literal(required_var('revenue_order_status')),
        'discount_used': 'purchase_number < coalesce(deal_purchases, 0)',
    }, input_marketing_purchases())) }}
{% endmacro %}

{% macro input_order_items_from_marketing_campaign() %}
    {%- set spend -%}
        case categories.product_id
        {%- for category in input_marketing_categories() %}
            when {{ category.product_id }} then spend_{{ category.category }}
        {%- endfor %}
        end
    {%- endset -%}
    {%- set relation -%}
        (
            select
                purchases.*,
                categories.product_id as category_product_id,
                {{ spend }} / purchases.order_count as category_spend
            from {{ input_marketing_purchases() }}
            cross join {{ input_marketing_products() }}
        ) as lines
    {%- endset -%}
    {{ return(input_emit('order_items', {
        'order_id': input_marketing_order_id(),
        'product_id': 'category_product_id',
        'quantity': '1',
        'unit_price': 'category_spend',
    }, relation ~ ' where category_spend > 0')) }}
{% endmacro %}

{% macro input_marketing_products() -%}
    (
        values
        {%- for category in input_marketing_categories() %}
            ({{ category.product_id }}, {{ sql_literal(category.name) }}, {{ sql_literal(category.category) }})
            {{- "," if not loop.last }}
        {%- endfor %}
    ) as categories (product_id, name, category)
{%- endmacro %}

{% macro input_products_from_marketing_campaign() %}
    {{ return(input_emit('products', {
        'product_id': 'product_id',
        'name': 'name',
        'category': 'category',
    }, input_marketing_products())) }}
{% endmacro %}

{% macro input_campaign_responses_from_marketing_campaign() %}
    {%- set campaigns = {
        'Campaign 1': 'acceptedcmp1', 'Campaign 2': 'acceptedcmp2', 'Campaign 3': 'acceptedcmp3',
        'Campaign 4': 'acceptedcmp4', 'Campaign 5': 'acceptedcmp5', 'Campaign 6 (last)': 'response',
    } -%}
    {%- set accepted -%}
        case offers.campaign
        {%- for campaign, column in campaigns.items() %}
            when {{ sql_literal(campaign) }} then {{ column }}
        {%- endfor %}
        end
    {%- endset -%}
    {%- set relation -%}
        {{ input_marketing_rows() }} as customers
        cross join (
            values
            {%- for campaign in campaigns %}
                ({{ sql_literal(campaign) }}){{ "," if not loop.last }}
            {%- endfor %}
        ) as offers (campaign)
    {%- endset -%}
    {{ return(input_emit('campaign_responses', {
        'customer_id': 'source_customer_id',
        'campaign': 'offers.campaign',
        'accepted': accepted,
    }, relation)) }}
{% endmacro %}


{#- mall_customers (the teaching set): gender, and age, income and spending score as K-means
    features (customer_features), staged row by row in base_mall_customers; only its usable rows
    make customers and features. -#}
{% macro input_mall_features() %}
    {{ return({
        'age': 'Age',
        'annual_income_k': 'AnnualIncome',
        'spending_score': 'SpendingScore',
    }) }}
{% endmacro %}

{% macro input_mall_rows() -%}
    (
        select * from {{ ref('base_mall_customers') }}
        where rejection_reason is null
    )
{%- endmacro %}

{% macro input_customers_from_mall_customers() %}
    {{ return(input_emit('customers', {'customer_id': 'source_customer_id', 'gender': 'Gender'},
        input_mall_rows())) }}
{% endmacro %}

{% macro input_customer_features_from_mall_customers() %}
    {%- set value -%}
        case features.feature
        {%- for feature, column in input_mall_features().items() %}
            when {{ sql_literal(feature) }} then {{ sql_identifier(column) }}
        {%- endfor %}
        end
    {%- endset -%}
    {%- set relation -%}
        {{ input_mall_rows() }} as customers
        cross join (
            values
            {%- for feature in input_mall_features() %}
                ({{ sql_literal(feature) }}){{ "," if not loop.last }}
            {%- endfor %}
        ) as features (feature)
    {%- endset -%}
    {{ return(input_emit('customer_features', {
        'customer_id': 'source_customer_id',
        'feature': 'features.feature',
        'value': value,
    }, relation)) }}
{% endmacro %}


{#- The names of the user-supplied segmentation features (stg_customer_features.feature), each
    a column of int_customer_segmentation_features: a customer_features file's distinct feature
    names, normalised as base_customer_features does (read when dbt runs, none while it parses),
    else the mall_customers features. A name that cannot be such a column stops the build. -#}
{% macro input_feature_names() %}
    {%- set sources = input_sources() or {} -%}
    {%- if 'customer_features' in sources -%}
        {%- if not execute -%}
            {{ return([]) }}
        {%- endif -%}
        {%- set limit = 50 -%}
        {%- set names = run_query(
            "select distinct lower(trim(feature)) as feature from " ~ input_read('customer_features')
            ~ " where nullif(trim(feature), '') is not null order by feature limit " ~ (limit + 1)
        ).columns[0].values() | list -%}
        {{ return(input_checked_feature_names(names, limit)) }}
    {%- endif -%}
    {%- if 'mall_customers' in sources -%}
        {{ return(input_mall_features().keys() | list) }}
    {%- endif -%}
    {{ return([]) }}
{% endmacro %}


{#- The names, or a pre-flight error naming the first that is not a plain lower-case name
    ([a-z][a-z0-9_]*, at most 63 characters) or that int_customer_segmentation_features already
    has (income, recency_days, ...), or saying there are more than `limit`. -#}
{% macro input_checked_feature_names(names, limit) %}
    {%- set file = input_sources()['customer_features']['path'] -%}
    {%- if names | length > limit -%}
        {{ input_error("file " ~ file ~ " (customer_features) has more than " ~ limit ~ " distinct "
            ~ "feature names, e.g. " ~ input_name_list(names) ~ ": each becomes a segmentation "
            ~ "feature. Check input_sources.customer_features.columns.feature, or keep the "
            ~ "features that describe customers best.") }}
    {%- endif -%}
    {%- set builtin = input_builtin_feature_names() -%}
    {%- for name in names -%}
        {%- if not modules.re.match('^[a-z][a-z0-9_]{0,62}$', name) -%}
            {{ input_error("file " ~ file ~ " (customer_features) has the feature name '"
                ~ input_cut(name) ~ "', which cannot be a segmentation feature: use lower-case "
                ~ "letters, digits and underscores, starting with a letter (e.g. '"
                ~ input_cut(modules.re.sub('[^a-z0-9]+', '_', name).strip('_') or 'feature_1')
                ~ "'), at most 63 characters.") }}
        {%- elif name in builtin -%}
            {{ input_error("file " ~ file ~ " (customer_features) has the feature '" ~ name
                ~ "', which the segmentation already computes: rename it (e.g. 'user_" ~ name
                ~ "'). The computed features are: " ~ (builtin | join(', ')) ~ ".") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(names) }}
{% endmacro %}


{#- The columns int_customer_segmentation_features computes itself. -#}
{% macro input_builtin_feature_names() %}
    {%- set names = [
        'customer_id', 'recency_days', 'frequency', 'monetary', 'income', 'age_years',
        'household_size', 'other_channel_share', 'discount_order_share', 'other_category_share',
    ] -%}
    {%- for channel in var('order_channels') -%}
        {%- do names.append(channel ~ '_share') -%}
    {%- endfor -%}
    {%- for category in var('spend_categories') -%}
        {%- do names.append(category ~ '_share') -%}
    {%- endfor -%}
    {{ return(names) }}
{% endmacro %}


{#- The as-of date a convenience entity implies as a SQL date (marketing_campaign counts Recency
    back from the day it was exported, which the file does not state), or none. -#}
{% macro input_as_of_date() %}
    {%- if 'marketing_campaign' in (input_sources() or {}) -%}
        {{ return(date_var_or('rfm_as_of_date', 'cast(' ~ sql_literal('2014-10-01') ~ ' as ' ~ type_date() ~ ')')) }}
    {%- endif -%}
    {{ return(none) }}
{% endmacro %}
