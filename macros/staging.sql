{#-
  Shared steps of the base_* staging models.

  collapse_exact_duplicates: one row per distinct raw row, with `copies` (how many times it
  appeared), `empty_fields` (how many of its fields are empty) and `raw_values` (the raw row as one
  structured value; only rejected rows keep it, as JSON text in raw_record). Rows are grouped as
  the input gives them, some columns still in the file's own types (native_types, from
  input_native_types), and every column becomes text after the grouping. raw_values keeps the
  grouped values in those types, which are far cheaper to store than their text; they become
  text (raw_values_text) only where a row is ranked or rejected, and parse_raw reads them without
  a trip through text.
-#}
{% macro collapse_exact_duplicates(relation, columns, native_types={}) -%}
    {#- every column name below means the grouped value: select-list aliases are not in scope #}
    select
        {%- for column in columns %}
        cast({{ column }} as {{ dbt.type_string() }}) as {{ column }},
        {%- endfor %}
        {{ raw_values(columns) }} as raw_values,
        (
            {%- for column in columns %}
            {#- the text of a number, date or boolean is never blank #}
            {%- set value = column if column in native_types
                else "nullif(trim(cast(" ~ column ~ " as " ~ dbt.type_string() ~ ")), '')" %}
            case when {{ value }} is null then 1 else 0 end
            {{- " +" if not loop.last }}
            {%- endfor %}
        ) as empty_fields,
        copies
    from (
        select
            {%- for column in columns %}
            {{ column }},
            {%- endfor %}
            count(*) as copies
        from {{ relation }}
        group by
            {%- for column in columns %}
            {{ column }}{{ "," if not loop.last }}
            {%- endfor %}
    ) as grouped_rows
{%- endmacro %}


{#-
  A column of collapse_exact_duplicates' rows parsed to type_name, null where it does not parse.
  A column the file holds as a number, date or boolean is cast from its own value in raw_values
  where that gives exactly what parsing its text gives; the text round trip was a third of
  base_order_items_checked's time at 1M customers. Elsewhere (a double into an integer rounds
  half to even, its text half away from zero; a float's text is shorter than its value) the text
  is parsed. Native types only come from files DuckDB reads, so try_cast is safe to spell here.
-#}
{% macro parse_raw(column, type_name, native_types={}) -%}
    {%- set file_type = native_types.get(column, 'VARCHAR') -%}
    {%- set exact_numbers = [
        'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT',
        'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT',
    ] -%}
    {%- if file_type.startswith('DECIMAL') -%}
        {%- set exact_numbers = exact_numbers + [file_type] -%}
    {%- endif -%}
    {%- set casts_exactly = {
        'bigint': exact_numbers,
        'integer': exact_numbers,
        'double': exact_numbers + ['DOUBLE'],
        'boolean': ['BOOLEAN'],
        'timestamp': ['TIMESTAMP', 'DATE'],
        'date': ['TIMESTAMP', 'DATE'],
    } -%}
    {%- if file_type in casts_exactly.get(type_name, []) -%}
        try_cast(raw_values.{{ column }} as {{ api.Column.translate_type(type_name) }})
    {%- else -%}
        {{ parse_as(column, type_name) }}
    {%- endif -%}
{%- endmacro %}


{#-
  The body of a base_* model: the rows of its base_*_checked model, each with its final
  rejection reason (its own defect, else duplicate_key_conflict when another row with the same
  key wins), and raw_record for rejected rows. The checked rows are stored first because a query
  that collapses, checks and ranks at once makes DuckDB keep every checked row in a temporary
  buffer (a CTE read three times); read from a table, they are scanned three times instead.
-#}
{% macro resolve_key_conflicts(entity, key_columns) -%}
{%- set columns = input_columns(entity) -%}
with

checked as {{ inline_cte() }} (
    select * from {{ ref('base_' ~ entity ~ '_checked') }}
),

conflicting_keys as (
    {{ keys_with_several_rows('checked', key_columns) }}
),

validated as (
    {{ rejection_after_key_conflicts('checked', 'conflicting_keys', key_columns, columns) }}
),

-- serialising every row cost a third of the model's time at scale: only rejected rows are
rejected_texts as (
    select
        {{ star_except(['raw_values']) }},
        case when rejection_reason is not null then {{ raw_values_text('raw_values', columns) }} end
            as raw_text
    from validated
)

select
    {{ base_columns(key_columns) }}
from rejected_texts
{%- endmacro %}


{#-
  Keys held by more than one distinct row: the only rows whose winner must be chosen. Ranking just
  these, not every row, spares a sort of the whole table (a fifth of the model's time at scale).
-#}
{% macro keys_with_several_rows(relation, key_columns) -%}
    select {{ key_columns | join(", ") }}
    from {{ relation }}
    group by {{ key_columns | join(", ") }}
    having count(*) > 1
{%- endmacro %}


{#-
  `relation`'s rows with their final rejection reason: their own defect, else
  duplicate_key_conflict when another row with the same key wins. The winner: usable rows first,
  then the most complete row (fewest empty fields), then the smallest raw values compared column
  by column as text, so the choice never depends on load order or on the file's types. A row
  with a null key part always has its own defect, so it never needs ranking.
-#}
{% macro rejection_after_key_conflicts(relation, conflicts, key_columns, columns, row_reason_column='row_rejection_reason') -%}
    {%- set matches_conflict -%}
        {%- for column in key_columns -%}
            {{ relation }}.{{ column }} = {{ conflicts }}.{{ column }}{{ " and " if not loop.last }}
        {%- endfor -%}
    {%- endset %}
    select
        {{ relation }}.*,
        {{ relation }}.{{ row_reason_column }} as rejection_reason
    from {{ relation }}
    left join {{ conflicts }}
        on {{ matches_conflict }}
    where {{ conflicts }}.{{ key_columns[0] }} is null

    union all

    select
        {{ relation }}.*,
        coalesce(
            {{ relation }}.{{ row_reason_column }},
            case
                when row_number() over (
                    partition by
                        {%- for column in key_columns %}
                        {{ relation }}.{{ column }}{{ "," if not loop.last }}
                        {%- endfor %}
                    order by
                        case when {{ relation }}.{{ row_reason_column }} is null then 0 else 1 end,
                        {{ relation }}.empty_fields,
                        {{ raw_values_text(relation ~ '.raw_values', columns) }}
                ) > 1 then 'duplicate_key_conflict'
            end
        ) as rejection_reason
    from {{ relation }}
    inner join {{ conflicts }}
        on {{ matches_conflict }}
{%- endmacro %}


{#-
  The final columns of a base_* model from rows with raw_text (the raw row as text, null for
  usable rows): everything else, and for rejected rows record_key (the raw key text; key parts
  joined by '-') and raw_record (the raw row as JSON text).
-#}
{% macro base_columns(key_columns) -%}
    {%- set key_parts = [] -%}
    {%- for column in key_columns -%}
        {%- if key_columns | length == 1 -%}
            {%- do key_parts.append('raw_text.' ~ column) -%}
        {%- else -%}
            {%- do key_parts.append("coalesce(raw_text." ~ column ~ ", '')") -%}
            {%- if not loop.last %}{% do key_parts.append("'-'") %}{% endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ star_except(['raw_text']) }},
    case when raw_text is not null then {{ dbt.concat(key_parts) }} end as record_key,
    case when raw_text is not null then {{ json_text('raw_text') }} end as raw_record
{%- endmacro %}
