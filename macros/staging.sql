{#-
  Shared steps of the base_* staging models.

  collapse_exact_duplicates: one row per distinct raw row (`distinct`: the rows are distinct
  already, see input_rows_are_distinct), with `copies` (how many times it appeared),
  `empty_fields` (how many of its fields are empty) and `raw_values` (the raw row as one
  structured value; rejected rows also get it as JSON text in raw_record). Rows are grouped as
  the input gives them, some columns still in the file's own types (native_types, from
  input_native_types), and every column becomes text after the grouping. raw_values keeps the
  grouped values in those types, which are far cheaper to store than their text; they become
  text (raw_values_text) only where a row is ranked or rejected, and parse_raw reads them without
  a trip through text.
-#}
{% macro collapse_exact_duplicates(relation, columns, native_types={}, distinct=false) -%}
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
            {%- if distinct %}
            1 as copies
        from {{ relation }}
            {%- else %}
            count(*) as copies
        from {{ relation }}
        group by
            {%- for column in columns %}
            {{ column }}{{ "," if not loop.last }}
            {%- endfor %}
            {%- endif %}
    ) as grouped_rows
{%- endmacro %}


{#-
  The first two steps of every base_* model: `source`, the entity's raw rows wherever this build
  reads them (input_relation: the user's file, the bundled seed, or rows derived from another
  input), and `distinct_rows`, one row per distinct raw row (collapse_exact_duplicates). The
  model writes the comma after it and goes on from distinct_rows.
-#}
{% macro base_distinct_rows(entity) -%}
source as (
    select * from {{ input_relation(entity) }}
),

distinct_rows as (
    {{ collapse_exact_duplicates(
        'source', input_columns(entity), input_native_types(entity),
        distinct=input_rows_are_distinct(entity)
    ) }}
)
{%- endmacro %}


{#- The columns collapse_exact_duplicates adds, which every base_* model passes on: the raw row
    (raw_values, for dq_rejected_rows and settle_key_conflicts), its empty fields and its copies. -#}
{% macro distinct_row_fields() -%}
    raw_values, empty_fields, copies
{%- endmacro %}


{#- Whether an entity's raw rows are distinct by construction: rows derived from another input
    (input_derivation) are grouped by their key there, so grouping them again to find exact
    copies finds none (it cost 9 s of the order-line staging at 1M customers). -#}
{% macro input_rows_are_distinct(entity) -%}
    {{ return(entity not in (input_sources() or {}) and input_derivation(entity) is not none) }}
{%- endmacro %}


{#- Whether a column of collapse_exact_duplicates' rows is empty; a natively typed value is
    never blank, so only its null needs testing. -#}
{% macro raw_is_empty(column, native_types={}) -%}
    {%- if column in native_types -%}
        raw_values.{{ column }} is null
    {%- else -%}
        nullif(trim({{ column }}), '') is null
    {%- endif -%}
{%- endmacro %}


{#-
  A column of collapse_exact_duplicates' rows parsed to type_name, null where it does not parse.
  A column the file holds as a number, date or boolean is cast from its own value in raw_values
  where that gives exactly what parsing its text gives; the text round trip was a third of
  the order-line staging's time at 1M customers. Elsewhere (a double into an integer rounds
  half to even, its text half away from zero; a float's text is shorter than its value) the text
  is parsed. Native types only come from files DuckDB reads, so try_cast is safe to spell here.
-#}
{% macro parse_raw(column, type_name, native_types={}) -%}
    {%- set file_type = native_types.get(column, 'VARCHAR') -%}
    {%- set exact_numbers = file_integer_types() -%}
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


{#- The raw key text of a row (dq_rejected_rows) from its raw values as text; key parts joined
    by '-'. An input without a key (a transaction line) names the record by its `record_key`. -#}
{% macro record_key_text(entity, raw_text) -%}
    {%- set contract = input_contract()[entity] -%}
    {%- set key_columns = contract.get('record_key', contract.get('key')) -%}
    {%- set key_parts = [] -%}
    {%- for column in key_columns -%}
        {%- if key_columns | length == 1 -%}
            {%- do key_parts.append(raw_text ~ '.' ~ column) -%}
        {%- else -%}
            {%- do key_parts.append("coalesce(" ~ raw_text ~ "." ~ column ~ ", '')") -%}
            {%- if not loop.last %}{% do key_parts.append("'-'") %}{% endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ dbt.concat(key_parts) }}
{%- endmacro %}


{#-
  A base_* model's post-hook: among distinct rows sharing a key (input_contract's `key`), one
  wins and the others are rejected as duplicate_key_conflict. The winner: usable rows first, then
  the most complete row (fewest empty fields), then the smallest raw values compared column by
  column as text, so the choice never depends on load order or on the file's types. A row with
  its own defect keeps it. Only keys held by several rows are ranked (ranking every row sorted the
  whole table), and only the losers are rewritten: settling conflicts in a second copy of the
  table cost as much as the first at scale.
-#}
{% macro settle_key_conflicts(entity) -%}
    {%- set key_columns = input_contract()[entity]['key'] -%}
    {%- set keys = key_columns | join(", ") -%}
    update {{ this }} as base
    set rejection_reason = 'duplicate_key_conflict'
    from (
        select
            {%- for column in key_columns %}
            candidate.{{ column }},
            {%- endfor %}
            candidate.raw_values,
            candidate.rejection_reason,
            row_number() over (
                partition by
                    {%- for column in key_columns %}
                    candidate.{{ column }}{{ "," if not loop.last }}
                    {%- endfor %}
                order by
                    case when candidate.rejection_reason is null then 0 else 1 end,
                    candidate.empty_fields,
                    {{ raw_values_text('candidate.raw_values', input_columns(entity)) }}
            ) as key_rank
        from {{ this }} as candidate
        inner join (
            select {{ keys }}
            from {{ this }}
            group by {{ keys }}
            having count(*) > 1
        ) as conflicting_keys
            on
                {%- for column in key_columns %}
                candidate.{{ column }} = conflicting_keys.{{ column }}{{ " and" if not loop.last }}
                {%- endfor %}
    ) as ranked
    where
        ranked.key_rank > 1
        and ranked.rejection_reason is null
        {%- for column in key_columns %}
        and base.{{ column }} = ranked.{{ column }}
        {%- endfor %}
        and base.raw_values is not distinct from ranked.raw_values
{%- endmacro %}


{#-
  base_transactions' post-hook: an order id that several customers' usable lines share belongs to
  the smallest customer id (as text); the other customers' lines are rejected as
  order_id_conflict (an order has one customer). Only the lines of orders whose raw lines name
  several customers (is_shared_order) are looked at: a window over every line computed the whole
  staging query twice. Without an order_id column a customer's lines on one date are one order,
  so nothing is shared.
-#}
{% macro settle_order_owners() -%}
    {%- if not input_has_column('transactions', 'order_id') -%}
        {{ return('') }}
    {%- endif -%}
    update {{ this }} as base
    set rejection_reason = 'order_id_conflict'
    from (
        select
            order_key,
            min(source_customer_id) as owner_customer_id
        from {{ this }}
        where is_shared_order and rejection_reason is null
        group by order_key
        having min(source_customer_id) <> max(source_customer_id)
    ) as shared_orders
    where
        base.order_key = shared_orders.order_key
        and base.is_shared_order
        and base.rejection_reason is null
        and base.source_customer_id <> shared_orders.owner_customer_id
{%- endmacro %}
