{#- The build's files are published as one set (README: "BI tools"): every mart's Parquet file
    and the CRM files go to this build's folder, EXPORT_DIR/builds/<started>-<invocation_id>, and
    on run end one link swap makes it the set readers see (src/customer_intelligence/export_sets.py).
    A killed build publishes nothing; a build that ends with errors publishes the marts as they
    are in the database, and new CRM files only when the CRM models and their tests passed. -#}

{#- This build's export folder: named by start time first, so folders sort in build order. -#}
{% macro export_set_folder() -%}
    {{ return(env_var('EXPORT_DIR', 'exports') ~ '/builds/'
        ~ run_started_at.strftime('%Y%m%dT%H%M%S%fZ') ~ '-' ~ invocation_id) }}
{%- endmacro %}

{#- on-run-end -#}
{% macro publish_export_set(results) -%}
    {%- if not execute or flags.WHICH not in ('build', 'run', 'test', 'retry') -%}
        {{ return('') }}
    {%- endif -%}
    {{ return(adapter.dispatch('publish_export_set', 'customer_intelligence')(results)) }}
{%- endmacro %}

{% macro default__publish_export_set(results) -%}
    {#- only the DuckDB build publishes files -#}
{%- endmacro %}

{#- Completes the set with the marts and CRM files this run did not write (from earlier
    folders, or from the database for a mart no build has written yet), publishes it, and only
    then commits the CRM record (crm_publish_statements). -#}
{% macro duckdb__publish_export_set(results) -%}
    {%- set publishes_crm = crm_publishes(results) -%}
    {%- set marts = {} -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.fqn[1] == 'marts'
            and node.config.materialized != 'ephemeral' -%}
            {%- do marts.update({node.name: node}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set export_dir = env_var('EXPORT_DIR', 'exports') -%}
    {%- set build = export_set_folder().rsplit('/', 1)[1] -%}
    {%- set missing = run_query(
        'select ci_complete_export_set(' ~ sql_literals(
            [export_dir, build, tojson(marts.keys() | sort)]) ~ ', ' ~ publishes_crm ~ ')'
    ).columns[0].values()[0] -%}
    {%- if missing is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- if publishes_crm -%}
        {{ crm_publish_statements() }};
    {%- endif -%}
    {%- for name in fromjson(missing) -%}
        {%- set node = marts[name] -%}
        {%- set relation = adapter.get_relation(
            database=node.database, schema=node.schema, identifier=node.alias) -%}
        {%- if relation is not none %}
            {{ publish_copy(
                'select * from ' ~ relation,
                export_set_folder() ~ '/marts/' ~ name ~ '.parquet',
                'format parquet'
            ) }};
        {%- endif -%}
    {%- endfor %}
    select ci_publish_export_set({{ sql_literals([export_dir, build, invocation_id]) }})
    {%- if publishes_crm -%}
        ; commit
    {%- endif -%}
{%- endmacro %}
