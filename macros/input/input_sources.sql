{#-
  Where the raw rows of each contract entity (macros/input/input_contract.sql) come from.

  Without var input_sources the bundled seeds (raw_<entity>) are read. With it (see README, "Use
  your own data"), an entity is read from the user's file through its column mapping, else derived
  from a convenience entity (transactions, marketing_campaign, mall_customers), else it has no
  rows, and every model that needs it builds empty. Rows come out named as in the contract, as
  text, so the base_* models parse and reject them exactly as they do the seeds; a file's column
  whose own type already gives its text (an integer key, a number, a timestamp) stays in that type
  until the base_* model has collapsed exact duplicates (see input_native_columns).

  Keys stay the user's text here; the base_* models make them keys (macros/input/input_keys.sql).
-#}

{% macro input_seeded_entities() %}
    {{ return([
        'customers', 'products', 'orders', 'order_items', 'campaigns', 'email_events',
        'web_sessions', 'subscriptions',
    ]) }}
{% endmacro %}


{% macro input_sources() %}
    {{ return(var('input_sources', none)) }}
{% endmacro %}


{#- Whether an entity has rows to offer: a seed, a user file, or a convenience entity it derives from. -#}
{% macro input_available(entity) %}
    {%- set sources = input_sources() -%}
    {%- if sources is none -%}
        {{ return(entity in input_seeded_entities()) }}
    {%- endif -%}
    {{ return(entity in sources or input_derivation(entity) is not none) }}
{% endmacro %}


{#- The convenience entity an absent entity is derived from, or none. -#}
{% macro input_derivation(entity) %}
    {%- set sources = input_sources() or {} -%}
    {%- set derivable_from = {
        'customers': ['marketing_campaign', 'mall_customers', 'transactions', 'orders'],
        'products': ['marketing_campaign', 'transactions', 'order_items'],
        'orders': ['marketing_campaign', 'transactions'],
        'order_items': ['marketing_campaign', 'transactions'],
        'customer_features': ['mall_customers'],
        'campaign_responses': ['marketing_campaign'],
    } -%}
    {%- for origin in derivable_from.get(entity, []) if origin in sources -%}
        {{ return(origin) }}
    {%- endfor -%}
    {{ return(none) }}
{% endmacro %}


{#- The relation to select an entity's raw rows from. -#}
{% macro input_relation(entity) %}
    {%- if input_sources() is none -%}
        {%- if entity in input_seeded_entities() -%}
            {{ return(ref('raw_' ~ entity)) }}
        {%- endif -%}
        {{ return('(' ~ input_empty(entity) ~ ')') }}
    {%- endif -%}
    {{ return('(' ~ adapter.dispatch('input_select', 'customer_intelligence')(entity) ~ ')') }}
{% endmacro %}


{% macro input_empty(entity) -%}
    select
    {%- for column in input_columns(entity) %}
        cast(null as {{ dbt.type_string() }}) as {{ column }}{{ "," if not loop.last }}
    {%- endfor %}
    where 1 = 0
{%- endmacro %}


{% macro default__input_select(entity) %}
    {{ exceptions.raise_compiler_error(
        "var input_sources reads files with DuckDB; on " ~ target.type ~ ", load the files into "
        ~ "tables named raw_<entity> with the contract's columns and leave input_sources unset."
    ) }}
{% endmacro %}


{% macro duckdb__input_select(entity) %}
    {%- set sources = input_sources() -%}
    {%- set origin = input_derivation(entity) -%}
    {%- if entity in sources -%}
        {%- set native_columns = input_native_columns(entity) %}
        {{ input_emit(
            entity, input_columns(entity) | list, input_read(entity, native_columns),
            native_columns=native_columns
        ) }}
    {%- elif origin is none -%}
        {{ input_empty(entity) }}
    {%- else -%}
        {{ context['input_' ~ entity ~ '_from_' ~ origin]() }}
    {%- endif -%}
{% endmacro %}


{#- Selects an entity's contract columns from `relation`, expressions (a dict) overriding the
    plain column, everything as text but `native_columns`: those the file holds in a type whose
    text needs no normalising, left in that type (see input_native_columns). Keys stay the
    user's text: the base_* models turn them into keys (macros/input/input_keys.sql). -#}
{% macro input_emit(entity, expressions, relation, group_by=none, native_columns=[]) -%}
    {%- set kinds = input_contract()[entity]['columns'] -%}
    {%- set given = expressions if expressions is mapping else {} -%}
    select
    {%- for column, kind in kinds.items() %}
        {%- set expression = given.get(column, column if expressions is not mapping else 'null') %}
        {%- set as_text = 'cast(' ~ expression ~ ' as ' ~ dbt.type_string() ~ ')' %}
        {%- if column in native_columns %}
        {{ expression }} as {{ column }}
        {%- else %}
        {{ as_text }} as {{ column }}
        {%- endif %}
        {{- "," if not loop.last }}
    {%- endfor %}
    from {{ relation }}
    {%- if group_by %}
    group by {{ group_by | join(", ") }}
    {%- endif %}
{%- endmacro %}


{#- The user's file for an entity as a subquery with the contract's column names: mapped columns,
    same-named columns (input_column_sources), the contract's default or null for the rest. Dates in a `date_format` become ISO text; a value that
    does not match keeps its text, so it is rejected with it in dq_rejected_rows. -#}
{% macro input_read(entity, native_columns=[]) -%}
    {%- set spec = input_sources()[entity] -%}
    {%- set contract = input_contract()[entity] -%}
    {%- set date_format = spec.get('date_format', contract.get('date_format')) -%}
    {%- set types = input_file_column_types(spec) -%}
    {%- set sources = input_column_sources(entity, none if types is none else types.keys() | list) -%}
    (
        select
        {%- for column, kind in contract['columns'].items() %}
            {%- set source_column = sources[column] %}
            {%- if column in native_columns %}
            {{ sql_identifier(source_column) }} as {{ sql_identifier(column) }}
            {%- elif types is none or source_column in types %}
                {%- set value = 'cast(' ~ sql_identifier(source_column) ~ ' as ' ~ dbt.type_string() ~ ')' %}
                {#- only text can carry stray spaces; a number's or a date's text has none #}
                {%- if types is none or types[source_column] == 'VARCHAR' %}
                    {%- set value = 'trim(' ~ value ~ ')' %}
                {%- endif %}
                {%- if kind == 'date' and date_format %}
                    {%- set formats = [date_format] if date_format is string else date_format %}
            coalesce(
                strftime(try_strptime({{ value }}, [{{ sql_literals(formats) }}]), '%Y-%m-%d %H:%M:%S'),
                {{ value }}
            ) as {{ sql_identifier(column) }}
                {%- else %}
            {{ value }} as {{ sql_identifier(column) }}
                {%- endif %}
            {%- elif column in contract.get('defaults', {}) %}
            {{ sql_literal(contract['defaults'][column]) }} as {{ sql_identifier(column) }}
            {%- else %}
            cast(null as {{ dbt.type_string() }}) as {{ sql_identifier(column) }}
            {%- endif %}
            {{- "," if not loop.last }}
        {%- endfor %}
        from {{ input_file_reader(spec) }}
    )
{%- endmacro %}


{% macro input_file_reader(spec) -%}
    {%- set paths = [spec['path']] if spec['path'] is string else spec['path'] -%}
    {%- set path_list = '[' ~ sql_literals(paths) ~ ']' -%}
    {%- if spec.get('format', 'parquet' if paths[0].endswith('.parquet') else 'csv') == 'parquet' -%}
        read_parquet({{ path_list }}, union_by_name = true)
    {%- else -%}
        read_csv(
            {{ path_list }}, all_varchar = true, header = true, union_by_name = true
            {%- if spec.get('delimiter') %}, delim = {{ sql_literal(spec['delimiter']) }}{% endif %}
            {%- if spec.get('encoding') %}, encoding = {{ sql_literal(spec['encoding']) }}{% endif %}
        )
    {%- endif -%}
{%- endmacro %}


{#- Each contract column of an entity read from the user's file, and the file's column holding
    it: the mapped column; else the first of the contract's name and its `aliases` that, ignoring
    case and spaces, names a column in `present` (the file's columns), as that column; else the
    contract's name (also while dbt parses, when `present` is none). -#}
{% macro input_column_sources(entity, present) %}
    {%- set contract = input_contract()[entity] -%}
    {%- set mapping = input_sources()[entity].get('columns') or {} -%}
    {%- set by_normalised_name = {} -%}
    {%- for name in present or [] if (name | lower | replace(' ', '')) not in by_normalised_name -%}
        {%- do by_normalised_name.update({name | lower | replace(' ', ''): name}) -%}
    {%- endfor -%}
    {%- set sources = {} -%}
    {%- for column in contract['columns'] -%}
        {%- set found = namespace(name=mapping.get(column)) -%}
        {%- for spelling in [column] + contract.get('aliases', {}).get(column, [])
            if found.name is none -%}
            {%- set found.name = by_normalised_name.get(spelling | lower | replace(' ', '')) -%}
        {%- endfor -%}
        {%- do sources.update({column: found.name or column}) -%}
    {%- endfor -%}
    {{ return(sources) }}
{% endmacro %}


{#- The file's column names (none while dbt parses, when no query may run). -#}
{% macro input_file_columns(spec) %}
    {%- set types = input_file_column_types(spec) -%}
    {{ return(none if types is none else types.keys() | list) }}
{% endmacro %}


{#- The file's columns and their DuckDB types, in file order (none while dbt parses). -#}
{% macro input_file_column_types(spec) %}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set described = run_query('describe select * from ' ~ input_file_reader(spec)) -%}
    {%- set types = {} -%}
    {%- for row in described.rows -%}
        {%- do types.update({row[0]: row[1]}) -%}
    {%- endfor -%}
    {{ return(types) }}
{% endmacro %}


{#- The contract columns of an entity whose values its file holds in a type other than text, and
    whose text needs no normalising, each with its file type: any such column but a key that is
    not an integer of at most 64 bits (a key's text must read as an integer or is hashed) and a
    date read with a date_format. The base_* models collapse exact duplicates on these values: a
    hash aggregate over text keys ran out of memory at 244M order lines within 3 GB, over the
    file's own integers it took 71 s. They parse them without a trip through text where the
    types allow (parse_raw). -#}
{% macro input_native_columns(entity) %}
    {%- set spec = input_sources()[entity] -%}
    {%- set contract = input_contract()[entity] -%}
    {%- set types = input_file_column_types(spec) or {} -%}
    {%- set sources = input_column_sources(entity, types.keys() | list) -%}
    {%- set has_date_format = spec.get('date_format', contract.get('date_format')) is not none -%}
    {%- set integer_types = [
        'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'UTINYINT', 'USMALLINT', 'UINTEGER',
    ] -%}
    {%- set native_columns = {} -%}
    {%- for column, kind in contract['columns'].items() -%}
        {%- set file_type = types.get(sources[column]) -%}
        {%- if file_type is not none and file_type != 'VARCHAR'
            and (kind != 'key' or file_type in integer_types)
            and not (kind == 'date' and has_date_format) -%}
            {%- do native_columns.update({column: file_type}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(native_columns) }}
{% endmacro %}


{#- DuckDB's integer types, as a file's column types are named (describe). -#}
{% macro file_integer_types() %}
    {{ return([
        'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT',
        'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT',
    ]) }}
{% endmacro %}


{#- input_native_columns of an entity read from the user's own file; none for seeds and derived
    entities, whose values are all text. -#}
{% macro input_native_types(entity) %}
    {%- set sources = input_sources() -%}
    {%- if sources is none or entity not in sources -%}
        {{ return({}) }}
    {%- endif -%}
    {{ return(input_native_columns(entity)) }}
{% endmacro %}


{#- Whether the user's file for an entity has a value for a contract column (order lines derived
    from transactions have a price when the transactions have an amount or a unit price). -#}
{% macro input_has_column(entity, column) %}
    {%- set sources = input_sources() -%}
    {%- if sources is none -%}
        {{ return(true) }}
    {%- endif -%}
    {%- if entity == 'order_items' and column == 'unit_price'
        and input_derivation('order_items') == 'transactions' -%}
        {{ return(input_has_column('transactions', 'amount')
            or input_has_column('transactions', 'unit_price')) }}
    {%- endif -%}
    {%- if entity not in sources -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set present = input_file_columns(sources[entity]) -%}
    {{ return(present is none or input_column_sources(entity, present)[column] in present) }}
{% endmacro %}


{#- The columns of an input's raw records as the user's file names them: contract column -> file
    column, for the contract columns the file has (all of them, under their own names, for seeds
    and derived entities). dq_rejected_rows shows a rejected record under these names. -#}
{% macro input_record_columns(entity) %}
    {%- set sources = input_sources() or {} -%}
    {%- set columns = {} -%}
    {%- if entity not in sources -%}
        {%- for column in input_columns(entity) -%}
            {%- do columns.update({column: column}) -%}
        {%- endfor -%}
        {{ return(columns) }}
    {%- endif -%}
    {%- set present = input_file_columns(sources[entity]) -%}
    {%- set file_columns = input_column_sources(entity, present) -%}
    {%- for column in input_columns(entity) -%}
        {%- set file_column = file_columns[column] -%}
        {%- if present is none or file_column in present -%}
            {%- do columns.update({column: file_column}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(columns) }}
{% endmacro %}
