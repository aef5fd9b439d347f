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


{#- Natural logarithm; ln() is standard but not everywhere. -#}
{% macro natural_log(expression) -%}
    {{ return(adapter.dispatch('natural_log', 'customer_intelligence')(expression)) }}
{%- endmacro %}

{% macro default__natural_log(expression) -%}
    ln({{ expression }})
{%- endmacro %}


{% macro type_date() -%}
    {{ return(api.Column.translate_type("date")) }}
{%- endmacro %}


{#- Casts text to a type, giving null where the text does not parse. -#}
{% macro parse_as(expression, type_name) -%}
    {{ dbt.safe_cast("nullif(trim(" ~ expression ~ "), '')", api.Column.translate_type(type_name)) }}
{%- endmacro %}
