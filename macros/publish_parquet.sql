{#- Post-hook of every mart: writes it to $EXPORT_DIR/marts/<model>.parquet for BI tools.
    The file is written under a temporary name in the same folder, then renamed by
    ci_publish_file (src/customer_intelligence/dbt_plugin.py), so a reader never sees half a file.
    COPY writes a header-only file for an empty table, unlike the external materialization. -#}
{% macro publish_parquet() -%}
    {{ return(adapter.dispatch('publish_parquet', 'customer_intelligence')()) }}
{%- endmacro %}

{% macro default__publish_parquet() -%}
    {#- only the DuckDB build publishes files -#}
{%- endmacro %}

{% macro duckdb__publish_parquet() -%}
    {%- set folder = env_var('EXPORT_DIR', 'exports') ~ '/marts/' -%}
    {%- set final_path = (folder ~ this.identifier ~ '.parquet') | replace("'", "''") -%}
    {%- set temp_path = final_path ~ '.' ~ invocation_id ~ '.tmp' -%}
    copy (select * from {{ this }}) to '{{ temp_path }}' (format parquet);
    select ci_publish_file('{{ temp_path }}', '{{ final_path }}')
{%- endmacro %}
