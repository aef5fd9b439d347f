{#- DuckDB statements writing `relation` (a CRM mart) to <this build's export folder>/crm/
    <file_stem>.csv, for the on-run-end publish (macros/exports/crm_delivery.sql): UTF-8 with RFC 4180
    quoting and a header row named by var crm_header_preset, rows ordered by `order_by`. With var
    crm_max_rows_per_file set, writes <file_stem>_part_001.csv, ... instead, each with the header.
    The build's folder starts empty, so no file of another layout or surplus part is left. -#}
{% macro publish_crm_csv(relation, file_stem, order_by) -%}
    {%- set folder = export_set_folder() ~ '/crm/' -%}
    {%- set max_rows = var('crm_max_rows_per_file') -%}
    {%- set query = crm_csv_query(relation, order_by) -%}
    {#- RFC 4180 ends records with CRLF (line breaks inside quoted cells are kept as they are) -#}
    {%- set options = "header, new_line '\\r\\n'" -%}
    {%- if max_rows is none -%}
        {{ publish_copy(query, folder ~ file_stem ~ '.csv', options) }}
    {%- elif execute -%}
        {%- set rows = run_query('select count(*) from ' ~ relation).columns[0].values()[0] | int -%}
        {#- an empty model still gets one, header-only, part -#}
        {%- set parts = [1, (rows + max_rows - 1) // max_rows] | max -%}
        {%- for part in range(1, parts + 1) -%}
            {{ publish_copy(
                query ~ ' limit ' ~ max_rows ~ ' offset ' ~ (part - 1) * max_rows,
                folder ~ file_stem ~ '_part_' ~ ('%03d' | format(part)) ~ '.csv',
                options
            ) }}
            {{- ';' if not loop.last }}
        {% endfor -%}
    {%- endif -%}
{%- endmacro %}

{#- The CSV's select: every column of `relation` under its header from the chosen preset (the
    model's name when the preset has none), text but the keys neutralised by crm_safe_text. -#}
{% macro crm_csv_query(relation, order_by) -%}
    {%- set preset = var('crm_header_preset') -%}
    {%- set presets = var('crm_header_presets') -%}
    {%- if preset not in presets -%}
        {{ exceptions.raise_compiler_error(
            "var crm_header_preset is '" ~ preset ~ "', not one of var crm_header_presets: "
            ~ presets.keys() | join(', ')
        ) }}
    {%- endif -%}
    {%- set headers = presets[preset] or {} -%}
    select
    {%- for column in adapter.get_columns_in_relation(relation) %}
        {% set quoted = sql_identifier(column.name) -%}
        {%- set guarded = column.is_string() and column.name not in crm_key_columns() %}
        {{ crm_safe_text(quoted) if guarded else quoted }}
        as {{ sql_identifier(headers.get(column.name, column.name)) }}
        {{- "," if not loop.last }}
    {%- endfor %}
    from {{ relation }}
    order by {{ order_by }}
{%- endmacro %}

{#- Characters that make a spreadsheet run a cell as a formula (CSV injection) when they start
    it: = + - @, tab and carriage return, their full-width forms (Excel folds them to ASCII) and
    the line and paragraph separators U+2028 and U+2029. -#}
{% macro crm_formula_starts() -%}
    {{ return(['=', '+', '-', '@', '\t', '\r', '\uff1d', '\uff0b', '\uff0d', '\uff20',
        '\u2028', '\u2029']) }}
{%- endmacro %}

{#- True when `expression` starts like a formula, also after leading spaces, line feeds and
    no-break or ideographic spaces, which spreadsheets skip before reading a formula. -#}
{% macro crm_starts_formula(expression) -%}
    left(trim(leading {{ sql_literal(' \n\u00a0\u3000') }} from {{ expression }}), 1)
    in ({{ sql_literals(crm_formula_starts()) }})
{%- endmacro %}

{#- A text cell that starts like a formula gets a leading single quote so a spreadsheet shows it
    instead of running it; the value is kept. Numbers and dates are not touched: the CSV writer
    formats them, and a quote would make a negative number text. Key columns never come here:
    a contact whose key starts like a formula is not exported (crm_contact_eligibility). -#}
{% macro crm_safe_text(expression) -%}
    case
        when {{ crm_starts_formula(expression) }}
            then {{ dbt.concat(["''''", expression]) }}
        else {{ expression }}
    end
{%- endmacro %}

{#- The columns a CRM matches and joins contacts on: exported exactly as they are, never
    prefixed (a changed Email makes Zoho and HubSpot create a duplicate contact). -#}
{% macro crm_key_columns() -%}
    {{ return(['email', 'customer_id']) }}
{%- endmacro %}

{#- md5 of the columns' text, null marked by chr(30) and fields separated by chr(31) so that
    (null, 'a') and ('', 'a') or ('a|', 'b') and ('a', '|b') hash apart. -#}
{% macro crm_row_checksum(columns) -%}
    {%- set fields = [] -%}
    {%- for column in columns -%}
        {%- if not loop.first %}{% do fields.append('chr(31)') %}{% endif -%}
        {%- do fields.append('coalesce(' ~ dbt.cast(column, dbt.type_string()) ~ ', chr(30))') -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(fields) if fields else "''") }}
{%- endmacro %}
