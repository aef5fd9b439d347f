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


{#- A date var as a SQL date literal, or the given SQL fallback when the var is null. -#}
{% macro date_var_or(name, fallback_sql) -%}
    {%- set value = required_var(name) -%}
    {%- if value is none -%}
        {{ return(fallback_sql) }}
    {%- endif -%}
    {%- if not modules.re.match('^\\d{4}-\\d{2}-\\d{2}$', value | string) -%}
        {{ exceptions.raise_compiler_error(
            "Variable '" ~ name ~ "' is '" ~ value ~ "', which is not a date. Set it to YYYY-MM-DD "
            ~ "in dbt_project.yml or with --vars '{" ~ name ~ ": 2025-12-31}', or to null for the default."
        ) }}
    {%- endif -%}
    {{ return("cast('" ~ value ~ "' as " ~ type_date() ~ ")") }}
{%- endmacro %}
