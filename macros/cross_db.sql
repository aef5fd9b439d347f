{#- Portable helpers. Standard SQL lives in default__; DuckDB spellings stay behind adapter.dispatch. -#}

{% macro regexp_like(expression, pattern) -%}
    {{ return(adapter.dispatch('regexp_like', 'customer_intelligence')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regexp_like(expression, pattern) -%}
    ({{ expression }} rlike '{{ pattern }}')
{%- endmacro %}

{% macro duckdb__regexp_like(expression, pattern) -%}
    regexp_matches({{ expression }}, '{{ pattern }}')
{%- endmacro %}


{#- A double-precision float. dbt.type_float() is a 4-byte float on DuckDB, too coarse for rates. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'customer_intelligence')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    {{ return(dbt.type_float()) }}
{%- endmacro %}

{% macro duckdb__type_double() -%}
    {{ return('double') }}
{%- endmacro %}


{#- A sum of money that is the same in every build. DuckDB adds doubles in parallel, in no fixed
    order, so their sum differs in the last bits from run to run: enough to move a customer across
    a quintile boundary. Added as exact decimals, returned as a double: 10 places, since amounts
    derived from totals (marketing_campaign spend split over orders) are not whole cents. -#}
{% macro sum_money(expression) -%}
    cast(sum(cast({{ expression }} as decimal(38, 10))) as {{ type_double() }})
{%- endmacro %}


{#- Line amounts at or above this are rejected as amount_out_of_range: no real order line is worth
    a trillion, and a value like 1e308 would overflow the exact sums of sum_money (38 digits). -#}
{% macro money_limit() -%}
    {{ return('1e12') }}
{%- endmacro %}


{#- a / b, null when b is zero or null (never an error or infinity). -#}
{% macro safe_ratio(numerator, denominator) -%}
    cast({{ numerator }} as {{ type_double() }}) / nullif({{ denominator }}, 0)
{%- endmacro %}


{#- A row's raw values as one structured value: cheap to carry and compare, and turned into JSON
    text (json_record) only for the rows that are rejected. Field i holds values[i], by default the
    column of that name. -#}
{% macro raw_values(columns, values=none) -%}
    {{ return(adapter.dispatch('raw_values', 'customer_intelligence')(columns, values or columns)) }}
{%- endmacro %}

{% macro default__raw_values(columns, values) -%}
    named_struct(
        {%- for column in columns %}'{{ column }}', {{ values[loop.index0] }}{{ ", " if not loop.last }}{% endfor -%}
    )
{%- endmacro %}

{% macro duckdb__raw_values(columns, values) -%}
    struct_pack(
        {%- for column in columns %}{{ column }} := {{ values[loop.index0] }}{{ ", " if not loop.last }}{% endfor -%}
    )
{%- endmacro %}


{#- The structured raw values in `expression` with every field as text. -#}
{% macro raw_values_text(expression, columns) -%}
    {{ return(adapter.dispatch('raw_values_text', 'customer_intelligence')(expression, columns)) }}
{%- endmacro %}

{% macro default__raw_values_text(expression, columns) -%}
    {%- set values = [] -%}
    {%- for column in columns -%}
        {%- do values.append('cast(' ~ expression ~ '.' ~ column ~ ' as ' ~ dbt.type_string() ~ ')') -%}
    {%- endfor -%}
    {{ raw_values(columns, values) }}
{%- endmacro %}

{#- One cast of the whole struct: DuckDB evaluates a field's cast (struct_extract) for every row
    even inside a CASE that needs it for a few, which cost base_order_items 1.7 s of CPU at 1M. -#}
{% macro duckdb__raw_values_text(expression, columns) -%}
    cast({{ expression }} as struct(
        {%- for column in columns %}{{ column }} {{ dbt.type_string() }}{{ ", " if not loop.last }}{% endfor -%}
    ))
{%- endmacro %}


{#- A JSON object as text: keys `names` (any text), values the SQL expressions `values`. -#}
{% macro json_record(names, values) -%}
    {{ return(adapter.dispatch('json_record', 'customer_intelligence')(names, values)) }}
{%- endmacro %}

{% macro default__json_record(names, values) -%}
    to_json(named_struct(
        {%- for name in names %}{{ sql_literal(name) }}, {{ values[loop.index0] }}{{ ", " if not loop.last }}{% endfor -%}
    ))
{%- endmacro %}

{% macro duckdb__json_record(names, values) -%}
    cast(json_object(
        {%- for name in names %}{{ sql_literal(name) }}, {{ values[loop.index0] }}{{ ", " if not loop.last }}{% endfor -%}
    ) as {{ dbt.type_string() }})
{%- endmacro %}


{% macro type_date() -%}
    {{ return(api.Column.translate_type("date")) }}
{%- endmacro %}


{#- Casts text to a type, giving null where the text does not parse. dbt-duckdb's safe_cast renders
    a plain cast, which raises on a bad value, so DuckDB gets try_cast. -#}
{% macro parse_as(expression, type_name) -%}
    {{ return(adapter.dispatch('parse_as', 'customer_intelligence')(expression, type_name)) }}
{%- endmacro %}

{% macro default__parse_as(expression, type_name) -%}
    {{ dbt.safe_cast("nullif(trim(" ~ expression ~ "), '')", api.Column.translate_type(type_name)) }}
{%- endmacro %}

{% macro duckdb__parse_as(expression, type_name) -%}
    try_cast(nullif(trim({{ expression }}), '') as {{ api.Column.translate_type(type_name) }})
{%- endmacro %}


{#- True when the expression is null or not one of the given text values. -#}
{% macro not_one_of(expression, values) -%}
    ({{ expression }} is null or {{ expression }} not in ({{ sql_literals(values) }}))
{%- endmacro %}


{#- Marks a CTE that is read several times to be read from its source each time, not copied.
    DuckDB and Postgres copy every CTE that is read more than once into a temporary buffer, a
    full copy of the table when the CTE only selects from one. Other warehouses take no hint. -#}
{% macro inline_cte() -%}
    {{ return(adapter.dispatch('inline_cte', 'customer_intelligence')()) }}
{%- endmacro %}

{% macro default__inline_cte() -%}
{%- endmacro %}

{% macro duckdb__inline_cte() -%}
    not materialized
{%- endmacro %}

{% macro postgres__inline_cte() -%}
    not materialized
{%- endmacro %}


{#- Marks a CTE to be computed and stored before the query reads it (DuckDB, Postgres): a query
    whose joins would otherwise all hold their hash tables at once finishes one step first. -#}
{% macro materialized_cte() -%}
    {{ return(adapter.dispatch('materialized_cte', 'customer_intelligence')()) }}
{%- endmacro %}

{% macro default__materialized_cte() -%}
{%- endmacro %}

{% macro duckdb__materialized_cte() -%}
    materialized
{%- endmacro %}

{% macro postgres__materialized_cte() -%}
    materialized
{%- endmacro %}


{#- One row per month start (a date) from the month of start_date to the month of end_date. -#}
{% macro month_starts(start_date, end_date) -%}
    {{ return(adapter.dispatch('month_starts', 'customer_intelligence')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__month_starts(start_date, end_date) -%}
    select explode(sequence(
        cast({{ dbt.date_trunc('month', start_date) }} as date),
        cast({{ dbt.date_trunc('month', end_date) }} as date),
        interval 1 month
    )) as month_start
{%- endmacro %}

{% macro duckdb__month_starts(start_date, end_date) -%}
    select cast(unnest(generate_series(
        {{ dbt.date_trunc('month', start_date) }},
        {{ dbt.date_trunc('month', end_date) }},
        interval 1 month
    )) as date) as month_start
{%- endmacro %}
