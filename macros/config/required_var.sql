{#- var() with a message that says how to fix a missing setting. A var may be set to null. -#}
{% macro required_var(name) -%}
    {%- set value = var(name, '__not_set__') -%}
    {%- if value == '__not_set__' -%}
        {{ exceptions.raise_compiler_error(
            "Variable '" ~ name ~ "' is not set. Add it under `vars:` in dbt_project.yml "
            ~ "(the shipped file documents every default) or pass it on the command line: "
            ~ "dbt build --vars '{" ~ name ~ ": <value>}'"
        ) }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}


{#- A date var as a SQL date literal, or the given SQL fallback when the var is null. A wrong
    date is reported by check_vars before any model runs, with every other wrong var; while dbt
    parses it stands for null, so parsing does not stop at the first one. -#}
{% macro date_var_or(name, fallback_sql) -%}
    {%- set value = required_var(name) -%}
    {%- if value is none -%}
        {{ return(fallback_sql) }}
    {%- endif -%}
    {%- if not is_calendar_date(value) -%}
        {%- if not execute -%}
            {{ return('cast(null as ' ~ type_date() ~ ')') }}
        {%- endif -%}
        {{ exceptions.raise_compiler_error(var_problem(name, value, 'date', {})) }}
    {%- endif -%}
    {{ return("cast(" ~ sql_literal(value | string) ~ " as " ~ type_date() ~ ")") }}
{%- endmacro %}
