{#-
  The only ways a value from a config file, a var or an env var reaches SQL: as a string literal
  (sql_literal) or as a quoted identifier (sql_identifier). Numbers, dates and booleans are
  validated before any model runs (macros/config/check_vars.sql) and reach SQL as the checked value.
-#}

{#- A string literal holding `value` exactly; null for none. -#}
{% macro sql_literal(value) -%}
    {{ return(adapter.dispatch('sql_literal', 'customer_intelligence')(value)) }}
{%- endmacro %}

{#- DuckDB and standard SQL: a quote is doubled, a backslash is an ordinary character. -#}
{% macro default__sql_literal(value) -%}
    {%- if value is none -%}
        {{ return('null') }}
    {%- endif -%}
    {{ return("'" ~ (value | string | replace("'", "''")) ~ "'") }}
{%- endmacro %}

{#- Spark SQL reads a backslash in a literal as an escape, so it is escaped first. -#}
{% macro spark__sql_literal(value) -%}
    {%- if value is none -%}
        {{ return('null') }}
    {%- endif -%}
    {{ return("'" ~ (value | string | replace("\\", "\\\\") | replace("'", "\\'")) ~ "'") }}
{%- endmacro %}


{#- Several literals separated by commas, for `in (...)` and list constructors. -#}
{% macro sql_literals(values) -%}
    {%- set literals = [] -%}
    {%- for value in values -%}
        {%- do literals.append(sql_literal(value)) -%}
    {%- endfor -%}
    {{ return(literals | join(', ')) }}
{%- endmacro %}


{#- A column or table name exactly as written, whatever characters it holds. -#}
{% macro sql_identifier(name) -%}
    {{ return(adapter.dispatch('sql_identifier', 'customer_intelligence')(name)) }}
{%- endmacro %}

{% macro default__sql_identifier(name) -%}
    {{ return('"' ~ (name | string | replace('"', '""')) ~ '"') }}
{%- endmacro %}

{% macro spark__sql_identifier(name) -%}
    {{ return('`' ~ (name | string | replace('`', '``')) ~ '`') }}
{%- endmacro %}
