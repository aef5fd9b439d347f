{#-
  on-run-start: the pre-flight check of var input_sources, before any model runs. It stops with a
  message naming the entity, the file, the column, a bad value and what to change when a file is
  missing, a CSV file is empty, not UTF-8 (or not in its `encoding`) or mixes line endings, a
  mapped column does not exist, a required column has no source, more than var
  input_max_invalid_share of a date or number column does not parse (fewer bad values go to
  dq_rejected_rows as usual), or a customer_features file names a feature that cannot be a
  column. It then logs one line per skipped part of the pipeline.
-#}
{% macro check_input_sources() %}
    {%- set sources = input_sources() -%}
    {%- if not execute or sources is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set contract = input_contract() -%}
    {%- if sources is not mapping -%}
        {{ input_error("var input_sources must be a mapping of entity names to {path, columns}, not "
            ~ sources ~ ".") }}
    {%- endif -%}
    {{ input_check_combination(sources) }}
    {%- for entity, spec in sources.items() -%}
        {%- if entity not in contract -%}
            {{ input_error("input_sources has an unknown entity '" ~ entity ~ "'"
                ~ input_did_you_mean(entity, contract.keys(), sources.keys()) ~ ". Known entities: "
                ~ (contract.keys() | join(', ')) ~ ".") }}
        {%- endif -%}
        {%- if spec is not mapping or not spec.get('path') -%}
            {{ input_error("input_sources." ~ entity ~ " needs a `path` (a CSV or Parquet file, globs "
                ~ "allowed), e.g. " ~ entity ~ ": {path: data/" ~ entity ~ ".csv}.") }}
        {%- endif -%}
        {{ input_check_files(entity, spec) }}
        {{ input_check_file_contents(entity, spec) }}
        {{ input_check_columns(entity, spec, contract[entity]) }}
        {{ input_check_values(entity, spec, contract[entity]) }}
    {%- endfor -%}
    {#- raises on a feature name that cannot be a column -#}
    {%- do input_feature_names() -%}
    {{ input_log_coverage() }}
    {{ return('') }}
{% endmacro %}


{#- A transaction log already gives the orders and their lines: a second source of either would
    leave lines whose order the other file does not know. -#}
{% macro input_check_combination(sources) %}
    {%- for entity in ['orders', 'order_items'] if 'transactions' in sources and entity in sources -%}
        {{ input_error("input_sources has both transactions and " ~ entity ~ ": a transaction log "
            ~ "already gives the orders and their lines. Keep one: drop input_sources." ~ entity
            ~ ", or drop transactions and give orders and order_items (customers and products "
            ~ "files may accompany a transaction log).") }}
    {%- endfor -%}
{% endmacro %}


{% macro input_error(message) %}
    {{ exceptions.raise_compiler_error("Input config: " ~ message) }}
{% endmacro %}


{#- " (did you mean 'x'?)" for the candidate most like the name, ignoring case, spaces and
    punctuation: the same name, else one containing the other (of at least 3 characters), else
    the same first four characters; ties to the first. A date-like name is matched only with a
    date-like candidate and the other way round, and a `taken` candidate (already the source of
    another column, or already configured) is never suggested: for a missing ordered_at the
    file's order_id is no answer. -#}
{% macro input_did_you_mean(name, candidates, taken=[]) %}
    {%- set wanted = modules.re.sub('[^a-z0-9]', '', name | lower) -%}
    {%- set best = namespace(candidate=none, score=0) -%}
    {%- for candidate in candidates if candidate not in taken
        and input_is_date_like(candidate) == input_is_date_like(name) -%}
        {%- set normalised = modules.re.sub('[^a-z0-9]', '', candidate | lower) -%}
        {%- set shorter = [wanted | length, normalised | length] | min -%}
        {%- if not wanted or not normalised -%}
            {%- set score = 0 -%}
        {%- elif wanted == normalised -%}
            {%- set score = 3 -%}
        {%- elif shorter >= 3 and (wanted in normalised or normalised in wanted) -%}
            {%- set score = 2 -%}
        {%- elif shorter >= 4 and wanted[:4] == normalised[:4] -%}
            {%- set score = 1 -%}
        {%- else -%}
            {%- set score = 0 -%}
        {%- endif -%}
        {%- if score > best.score -%}
            {%- set best.candidate = candidate -%}
            {%- set best.score = score -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return('' if best.candidate is none else " (did you mean '" ~ best.candidate ~ "'?)") }}
{% endmacro %}


{#- Whether a column name reads as a date or time: order_date, ordered_at, InvoiceDate, Dt_Customer. -#}
{% macro input_is_date_like(name) %}
    {{ return(modules.re.search(
        '(date|time|day|month|year)|(^|_)(at|dt|ts|on)(_|$)', name | lower
    ) is not none) }}
{% endmacro %}


{#- At most the first 10 names, each cut at 40 characters: a wrong path (a system file, a
    headerless log) would otherwise print the file's first line. -#}
{% macro input_name_list(names) %}
    {%- set names = names | list -%}
    {%- set shown = [] -%}
    {%- for name in names[:10] -%}
        {%- do shown.append(input_cut(name)) -%}
    {%- endfor -%}
    {%- set more = names | length - 10 -%}
    {{ return(shown | join(', ') ~ (' and ' ~ more ~ ' more' if more > 0 else '')) }}
{% endmacro %}


{% macro input_cut(text, length=40) %}
    {%- set text = text | string -%}
    {{ return(text if text | length <= length else text[:length] ~ '...') }}
{% endmacro %}


{% macro input_check_files(entity, spec) %}
    {%- set paths = [spec['path']] if spec['path'] is string else spec['path'] -%}
    {%- for path in paths -%}
        {%- set matches = run_query(
            "select count(*) from glob(" ~ sql_literal(path) ~ ")"
        ).columns[0].values()[0] -%}
        {%- if matches == 0 -%}
            {{ input_error("input_sources." ~ entity ~ ".path: no file matches '" ~ path ~ "'. Check "
                ~ "the path; a relative path is read from the folder dbt runs in (customer-intel "
                ~ "build --input reads it from the config file's folder).") }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}


{#- The first problem ci_file_problem (the dbt plugin's input_files.file_problem) finds in a CSV
    source's files: it reads their first bytes before DuckDB's reader would fail on them with a
    misleading message, which no Jinja can catch. -#}
{% macro input_check_file_contents(entity, spec) %}
    {%- set paths = [spec['path']] if spec['path'] is string else spec['path'] -%}
    {%- if spec.get('format', 'parquet' if paths[0].endswith('.parquet') else 'csv') != 'csv' -%}
        {{ return('') }}
    {%- endif -%}
    {%- set encoding = (spec.get('encoding') or '') | string -%}
    {%- for path in paths -%}
        {%- set problems = run_query(
            "select file, problem from (select file, ci_file_problem(file, " ~ sql_literal(entity)
            ~ ", " ~ sql_literal(encoding) ~ ") as problem from glob(" ~ sql_literal(path)
            ~ ")) where problem is not null order by file limit 1"
        ) -%}
        {%- for file, problem in problems.rows -%}
            {{ input_error("file " ~ file ~ " " ~ problem) }}
        {%- endfor -%}
    {%- endfor -%}
{% endmacro %}


{% macro input_check_columns(entity, spec, contract) %}
    {%- set mapping = spec.get('columns') or {} -%}
    {%- set present = input_file_columns(spec) -%}
    {%- set sources = input_column_sources(entity, present) -%}
    {#- what is already read: never suggested for something else -#}
    {%- set used_columns, used_contract_columns = [], [] -%}
    {%- for column, source_column in sources.items() if source_column in present -%}
        {%- do used_columns.append(source_column) -%}
        {%- do used_contract_columns.append(column) -%}
    {%- endfor -%}
    {%- for column, source_column in mapping.items() -%}
        {%- if column not in contract['columns'] -%}
            {{ input_error("input_sources." ~ entity ~ ".columns (file " ~ spec['path'] ~ ") maps '"
                ~ column ~ "', which is not a column of the " ~ entity ~ " contract"
                ~ input_did_you_mean(column, contract['columns'], used_contract_columns)
                ~ ". Its columns are: " ~ (contract['columns'].keys() | join(', ')) ~ ".") }}
        {%- endif -%}
        {%- if source_column not in present -%}
            {{ input_error("file " ~ spec['path'] ~ " has no column '" ~ source_column ~ "' (mapped to "
                ~ entity ~ "." ~ column ~ ")" ~ input_did_you_mean(source_column, present, used_columns)
                ~ ". Its columns are: " ~ input_name_list(present) ~ ". Fix input_sources." ~ entity
                ~ ".columns." ~ column ~ ".") }}
        {%- endif -%}
    {%- endfor -%}
    {%- for column in contract['required'] if sources[column] not in present -%}
        {{ input_error("file " ~ spec['path'] ~ " has no column for " ~ entity ~ "." ~ column
            ~ ", which is required" ~ input_did_you_mean(column, present, used_columns)
            ~ ". Map it: input_sources." ~ entity ~ ".columns: {" ~ column ~ ": <your column>}. "
            ~ "The file's columns are: " ~ input_name_list(present) ~ ".") }}
    {%- endfor -%}
{% endmacro %}


{#- One query per file: for each date and number column, how many filled values do not parse. A
    column the file already holds as numbers (a number) or as dates or timestamps (a date) always
    parses and is not read: at 1M customers these checks took 3 s, mostly casting such values to
    text and back. -#}
{% macro input_check_values(entity, spec, contract) %}
    {%- set types = input_file_column_types(spec) -%}
    {%- set sources = input_column_sources(entity, types.keys() | list) -%}
    {%- set numbers = file_integer_types() + ['FLOAT', 'DOUBLE'] -%}
    {%- set checked = [] -%}
    {%- for column, kind in contract['columns'].items() if sources[column] in types -%}
        {%- set file_type = types[sources[column]] -%}
        {%- set parses_already = (kind == 'number' and (file_type in numbers
            or file_type.startswith('DECIMAL'))) or (kind == 'date' and file_type in ['DATE', 'TIMESTAMP']) -%}
        {%- if kind in ('date', 'number') and not parses_already -%}
            {%- do checked.append((column, kind)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not checked -%}
        {{ return('') }}
    {%- endif -%}
    {%- set counts -%}
        select
            count(*) as total_rows
            {%- for column, kind in checked %}
                {%- set value = sql_identifier(column) %}
                {%- set bad = "nullif(" ~ value ~ ", '') is not null and try_cast(" ~ value ~ " as "
                    ~ ('timestamp' if kind == 'date' else 'double') ~ ") is null" %},
            count(nullif({{ value }}, '')) as filled_{{ loop.index }},
            count(*) filter (where {{ bad }}) as bad_{{ loop.index }},
            min({{ value }}) filter (where {{ bad }}) as sample_{{ loop.index }}
            {%- endfor %}
        from {{ input_read(entity) }}
    {%- endset -%}
    {%- set row = run_query(counts).rows[0] -%}
    {%- set tolerance = var('input_max_invalid_share', 0.05) -%}
    {%- for column, kind in checked -%}
        {%- set filled = row['filled_' ~ loop.index] -%}
        {%- set bad = row['bad_' ~ loop.index] -%}
        {%- if filled > 0 and bad / filled > tolerance -%}
            {%- set hint = "set input_sources." ~ entity ~ ".date_format to the file's format (strptime "
                ~ "codes, e.g. '%m/%d/%Y %H:%M' for 12/1/2010 8:26; a list tries each)"
                if kind == 'date' else "clean the column (plain numbers with a dot as decimal mark)" -%}
            {{ input_error("file " ~ spec['path'] ~ ", column '" ~ sources[column] ~ "' ("
                ~ entity ~ "." ~ column ~ "): " ~ bad ~ " of " ~ filled ~ " values ("
                ~ ((100.0 * bad / filled) | round(1)) ~ "%) do not parse as a " ~ kind ~ ", e.g. '"
                ~ input_cut(row['sample_' ~ loop.index]) ~ "'. To fix, " ~ hint ~ ". Up to "
                ~ (100 * tolerance) ~ "% bad values are tolerated (var input_max_invalid_share) and "
                ~ "go to dq_rejected_rows.") }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}


{#- One line per entity the input lacks: what it derives from, or what builds empty. -#}
{% macro input_log_coverage() %}
    {%- set needed_for = {
        'customers': 'customer marts',
        'products': 'product names and categories',
        'orders': 'RFM, customer spend features and recommendations',
        'order_items': 'basket rules and recommendations',
        'campaigns': 'campaign KPIs and A/B tests',
        'email_events': 'campaign KPIs and A/B tests',
        'web_sessions': 'fct_web_engagement',
        'subscriptions': 'fct_list_growth',
        'customer_features': 'extra segmentation features',
        'campaign_responses': 'fct_campaign_acceptance',
    } -%}
    {%- if 'transactions' in input_sources() and not input_has_column('order_items', 'unit_price') -%}
        {{ log("Input: transactions have no amount or unit_price: monetary value and spend are 0, "
            ~ "baskets and recency still work.", info=true) }}
    {%- endif -%}
    {%- for entity in input_staged_entities() if entity not in input_sources() -%}
        {%- set origin = input_derivation(entity) -%}
        {%- if origin -%}
            {{ log("Input: " ~ entity ~ " derived from " ~ origin ~ ".", info=true) }}
        {%- else -%}
            {{ log("Input: no " ~ entity ~ " in input_sources: skipped " ~ needed_for[entity]
                ~ " (their models build empty).", info=true) }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}
