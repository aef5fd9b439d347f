{#- Portable helpers. Standard SQL lives in default__; DuckDB spellings stay behind adapter.dispatch. -#}

{% macro regexp_like(expression, pattern) -%}
    {{ return(adapter.dispatch('regexp_like', 'customer_intelligence')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regexp_like(expression, pattern) -%}
    ({{ expression }} rlike '{{ pattern }}')
{%- endmacro %}

{% macro duckdb__regexp_like(expression, pattern) -%}
    regexp_matches({{ expression }}, '{{ pattern }}')
{%- endmacro %}


{#- A row's raw values as JSON text, for dq_rejected_rows.raw_record. -#}
{% macro json_record(columns) -%}
    {{ return(adapter.dispatch('json_record', 'customer_intelligence')(columns)) }}
{%- endmacro %}

{% macro default__json_record(columns) -%}
    to_json(named_struct(
        {%- for column in columns %}'{{ column }}', {{ column }}{{ ", " if not loop.last }}{% endfor -%}
    ))
{%- endmacro %}

{% macro duckdb__json_record(columns) -%}
    cast(json_object(
        {%- for column in columns %}'{{ column }}', {{ column }}{{ ", " if not loop.last }}{% endfor -%}
    ) as {{ dbt.type_string() }})
{%- endmacro %}


{% macro type_date() -%}
    {{ return(api.Column.translate_type("date")) }}
{%- endmacro %}


{#- Casts text to a type, giving null where the text does not parse. dbt-duckdb's safe_cast renders
    a plain cast, which raises on a bad value, so DuckDB gets try_cast. -#}
{% macro parse_as(expression, type_name) -%}
    {{ return(adapter.dispatch('parse_as', 'customer_intelligence')(expression, type_name)) }}
{%- endmacro %}

{% macro default__parse_as(expression, type_name) -%}
    {{ dbt.safe_cast("nullif(trim(" ~ expression ~ "), '')", api.Column.translate_type(type_name)) }}
{%- endmacro %}

{% macro duckdb__parse_as(expression, type_name) -%}
    try_cast(nullif(trim({{ expression }}), '') as {{ api.Column.translate_type(type_name) }})
{%- endmacro %}


{#- True when the expression is null or not one of the given text values. -#}
{% macro not_one_of(expression, values) -%}
    ({{ expression }} is null or {{ expression }} not in ('{{ values | join("', '") }}'))
{%- endmacro %}
