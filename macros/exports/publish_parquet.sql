{#- Post-hook of every mart: writes it to <this build's export folder>/marts/<model>.parquet for
    BI tools; the build's set of files is published on run end (macros/exports/export_set.sql). COPY
    writes a header-only file for an empty table, unlike the external materialization. -#}
{% macro publish_parquet() -%}
    {{ return(adapter.dispatch('publish_parquet', 'customer_intelligence')()) }}
{%- endmacro %}

{% macro default__publish_parquet() -%}
    {#- only the DuckDB build publishes files -#}
{%- endmacro %}

{% macro duckdb__publish_parquet() -%}
    {{ publish_copy(
        'select * from ' ~ this, export_set_folder() ~ '/marts/' ~ this.identifier ~ '.parquet',
        'format parquet'
    ) }}
{%- endmacro %}

{#- DuckDB statements writing `query` to `path`: COPY to a temporary file beside it, then
    ci_publish_file renames it, so a build killed while writing leaves no half file under the
    final name for a later build to carry over. Shared by the Parquet and the CRM files. -#}
{% macro publish_copy(query, path, options) -%}
    {%- set temp_path = path ~ '.' ~ invocation_id ~ '.tmp' -%}
    select ci_make_folder({{ sql_literal(path.rsplit('/', 1)[0]) }});
    copy ({{ query }}) to {{ sql_literal(temp_path) }} ({{ options }});
    select ci_publish_file({{ sql_literal(temp_path) }}, {{ sql_literal(path) }})
{%- endmacro %}
