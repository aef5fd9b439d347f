{#-
  Keys as the user wrote them. A key's identity is its id text, trimmed, decided per key domain
  across every input (customers, orders, transactions, ... alike, so joins agree): a domain is
  numeric when every id of it is a plain integer ('17850', or '17850.0' from a spreadsheet), and
  then a key is that integer; otherwise every id of the domain is text, and its key is a stable
  62-bit number from the md5 of the text, so '007' and '7', or '12.7' and '13', never merge. The
  key's text (source_customer_id, source_product_id) is the integer's text or the trimmed text.
  base_key_domains decides at run time; a domain all of whose inputs hold integers in their own
  type (Parquet) is numeric without a look at the data.
-#}

{#- key domain -> the (entity, column) pairs holding its ids -#}
{% macro input_key_domains() %}
    {{ return({
        'customer': [
            ('customers', 'customer_id'), ('orders', 'customer_id'),
            ('email_events', 'customer_id'), ('web_sessions', 'customer_id'),
            ('subscriptions', 'customer_id'), ('customer_features', 'customer_id'),
            ('campaign_responses', 'customer_id'), ('transactions', 'customer_id'),
            ('marketing_campaign', 'ID'), ('mall_customers', 'CustomerID'),
        ],
        'product': [('products', 'product_id'), ('order_items', 'product_id'),
            ('transactions', 'product_id')],
        'order': [('orders', 'order_id'), ('order_items', 'order_id'), ('transactions', 'order_id')],
        'campaign': [('campaigns', 'campaign_id'), ('email_events', 'campaign_id')],
        'email_event': [('email_events', 'event_id')],
        'web_session': [('web_sessions', 'session_id')],
        'subscription_event': [('subscriptions', 'subscription_event_id')],
    }) }}
{% endmacro %}


{#- The (entity, column) pairs of a domain whose raw rows this build reads: the user's files, or
    the bundled seeds. Derived entities hold ids of these and are not looked at. -#}
{% macro input_key_domain_members(domain) %}
    {%- set sources = input_sources() -%}
    {%- set members = [] -%}
    {%- for entity, column in input_key_domains()[domain] -%}
        {%- if (sources is none and entity in input_seeded_entities())
            or (sources is not none and entity in sources) -%}
            {%- do members.append((entity, column)) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(members) }}
{% endmacro %}


{#- SQL true when the domain's keys are integers: a constant when every input holds them in an
    integer type of its own, else base_key_domains' verdict. -#}
{% macro input_key_domain_is_numeric(domain) %}
    {%- set integer_types = file_integer_types() -%}
    {%- set all_native = execute and input_sources() is not none -%}
    {%- for entity, column in input_key_domain_members(domain) if all_native -%}
        {%- set file_type = input_native_types(entity).get(column) -%}
        {%- if file_type not in integer_types -%}
            {%- set all_native = false -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set verdict -%}
        (
            select is_numeric from {{ ref('base_key_domains') }}
            where key_domain = {{ sql_literal(domain) }}
        )
    {%- endset -%}
    {{ return('true' if all_native else verdict) }}
{% endmacro %}


{#- Whether a trimmed text is an empty-key marker, and whether it is a plain integer. -#}
{% macro input_key_is_empty(text) -%}
    (nullif({{ text }}, '') is null or list_contains(['null', 'none', 'nan', 'n/a', 'na'], lower({{ text }})))
{%- endmacro %}

{% macro input_key_is_integer(text) -%}
    {{ regexp_like(text, '^-?(0|[1-9][0-9]*)([.]0+)?$') }}
{%- endmacro %}


{#- The bigint key of an id (SQL text `text`) in `domain`, or with as_text the id's text as the
    key stands for it: the integer's text in a numeric domain ('17850' for '17850.0'), else the
    trimmed text. Null for an empty id. -#}
{% macro input_key(text, domain, as_text=false) -%}
    {%- set trimmed = 'trim(' ~ text ~ ')' -%}
    {%- set integer = 'try_cast(split_part(' ~ trimmed ~ ", '.', 1) as bigint)" -%}
    case
        when {{ input_key_is_empty(trimmed) }} then null
        when {{ input_key_domain_is_numeric(domain) }} and {{ input_key_is_integer(trimmed) }}
            then {{ 'cast(' ~ integer ~ ' as ' ~ dbt.type_string() ~ ')' if as_text else integer }}
        else {{ trimmed if as_text
            else "4611686018427387904 + cast('0x' || left(md5(" ~ trimmed ~ "), 15) as bigint)" }}
    end
{%- endmacro %}


{#- input_key of a key column of collapse_exact_duplicates' rows: a value the file holds as an
    integer is the key itself in a numeric domain (no trip through text). -#}
{% macro parse_key(column, domain, native_types={}, as_text=false) -%}
    {%- if native_types.get(column) in file_integer_types() -%}
        case
            when {{ input_key_domain_is_numeric(domain) }}
                then {{ ('cast(raw_values.' ~ column ~ ' as ' ~ dbt.type_string() ~ ')') if as_text
                    else 'try_cast(raw_values.' ~ column ~ ' as bigint)' }}
            else {{ input_key(column, domain, as_text) }}
        end
    {%- else -%}
        {{ input_key(column, domain, as_text) }}
    {%- endif -%}
{%- endmacro %}
