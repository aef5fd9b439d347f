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
    {%- set path = env_var('EXPORT_DIR', 'exports') ~ '/marts/' ~ this.identifier ~ '.parquet' -%}
    {{ publish_copy('select * from ' ~ this, path, 'format parquet') }}
{%- endmacro %}

{#- DuckDB statements writing `query` to `path` atomically: COPY to a temporary file beside it
    (same folder, so the rename cannot cross file systems), then ci_publish_file renames it.
    Shared by the Parquet and CRM CSV (macros/crm_export.sql) post-hooks. -#}
{% macro publish_copy(query, path, options) -%}
    {%- set temp_path = path ~ '.' ~ invocation_id ~ '.tmp' -%}
    copy ({{ query }}) to {{ sql_literal(temp_path) }} ({{ options }});
    select ci_publish_file({{ sql_literal(temp_path) }}, {{ sql_literal(path) }})
{%- endmacro %}
