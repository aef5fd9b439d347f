-- one row per raw table and one per input the user names: raw rows = staged rows + rejected rows
-- + removed exact duplicates
{% set bases = input_staged_entities() %}
{% set sources = input_sources() or {} %}
{% set line_inputs = input_line_staged_inputs() | select('in', sources) | list %}

with

rejected_rows as (
    select * from {{ ref('dq_rejected_rows') }}
),

{#- An entity read from a file as it is has one raw row per row of the file, so the file itself is
    counted: DuckDB keeps input_relation's key parsing even under a count(*) (a minute at 1M). -#}
{% for entity in bases %}
    raw_{{ entity }} as (
        {%- if entity in sources %}
            select * from {{ input_file_reader(sources[entity]) }}
        {%- else %}
            select * from {{ input_relation(entity) }}
        {%- endif %}
    ),

    base_{{ entity }} as (
        select * from {{ ref('base_' ~ entity) }}
    ),

    stg_{{ entity }} as (
        select * from {{ ref('stg_' ~ entity) }}
    ),
{% endfor %}

{% for input in line_inputs %}
    file_{{ input }} as (
        select * from {{ input_file_reader(sources[input]) }}
    ),

    base_{{ input }} as (
        select * from {{ ref('base_' ~ input) }}
    ),
{% endfor %}

{% if 'transactions' in line_inputs %}
    -- a usable line is staged when its order line is: a line whose order line staging rejected
    -- after all would leave the transactions row unbalanced. Only those few order lines are
    -- joined; joining every line to stg_order_items cost seconds at 1M customers
    rejected_transaction_order_items as (
        select
            order_id,
            product_id
        from {{ ref('base_order_items') }}
        where rejection_reason is not null
    ),

    staged_transactions as (
        select base_transactions.order_key
        from base_transactions
        where
            base_transactions.rejection_reason is null
            and not exists (
                select 1
                from rejected_transaction_order_items
                where
                    rejected_transaction_order_items.order_id = base_transactions.order_key
                    and rejected_transaction_order_items.product_id = base_transactions.product_key
            )
    ),
{% endif %}

{#- a usable row of a one-row-per-customer input is staged when its customer is -#}
{% for input in ['marketing_campaign', 'mall_customers'] if input in line_inputs %}
    staged_{{ input }} as (
        select base_{{ input }}.customer_key
        from base_{{ input }}
        inner join stg_customers
            on base_{{ input }}.customer_key = stg_customers.customer_id
        where base_{{ input }}.rejection_reason is null
    ),
{% endfor %}

{#- (row name, its raw rows, staged rows and base model) per counted source; rejected rows are
    those dq_rejected_rows files under the row's name -#}
{%- set counted = [] %}
{%- for entity in bases %}
    {%- do counted.append(('raw_' ~ entity, 'raw_' ~ entity, 'stg_' ~ entity, 'base_' ~ entity)) %}
{%- endfor %}
{%- for input in line_inputs %}
    {%- do counted.append((input, 'file_' ~ input, 'staged_' ~ input, 'base_' ~ input)) %}
{%- endfor %}

stage_counts as (
    {%- for name, raw, staged, base in counted %}
        {%- for stage, relation, count in [
            ('raw', raw, 'count(*)'),
            ('staged', staged, 'count(*)'),
            ('exact_duplicates', base, 'coalesce(sum(copies - 1), 0)'),
        ] %}
            select
                {{ sql_literal(name) }} as source_table,
                {{ sql_literal(stage) }} as row_stage,
                {{ count }} as row_count
            from {{ relation }}
            union all
        {%- endfor %}
    {%- endfor %}
    select
        source_table,
        'rejected' as row_stage,
        count(*) as row_count
    from rejected_rows
    group by source_table
),

reconciled as (
    select
        source_table,
        sum(case when row_stage = 'raw' then row_count else 0 end) as raw_rows,
        sum(case when row_stage = 'staged' then row_count else 0 end) as staged_rows,
        sum(case when row_stage = 'rejected' then row_count else 0 end) as rejected_rows,
        sum(case when row_stage = 'exact_duplicates' then row_count else 0 end)
            as exact_duplicates_removed
    from stage_counts
    group by source_table
),

-- an entity the user names in input_sources has a row of its own too: its file's counts
named as (
    select * from reconciled
    {%- for entity in bases if entity in sources %}
        union all
        select
            {{ sql_literal(entity) }} as source_table,
            raw_rows,
            staged_rows,
            rejected_rows,
            exact_duplicates_removed
        from reconciled
        where source_table = {{ sql_literal('raw_' ~ entity) }}
    {%- endfor %}
),

accounted as (
    select
        *,
        raw_rows - staged_rows - rejected_rows - exact_duplicates_removed as unaccounted_rows
    from named
)

select * from accounted
