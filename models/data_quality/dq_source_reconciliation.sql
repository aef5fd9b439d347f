-- one row per raw source: raw rows = staged rows + rejected rows + removed exact duplicates
{% set bases = [
    'customers', 'products', 'orders', 'order_items', 'campaigns', 'email_events',
    'web_sessions', 'subscriptions',
] %}

with

rejected_rows as (
    select * from {{ ref('dq_rejected_rows') }}
),

{% for entity in bases %}
raw_{{ entity }} as (
    select * from {{ ref('raw_' ~ entity) }}
),

base_{{ entity }} as (
    select * from {{ ref('base_' ~ entity) }}
),

stg_{{ entity }} as (
    select * from {{ ref('stg_' ~ entity) }}
),
{% endfor %}

rejected_counts as (
    select
        source_table,
        count(*) as rejected_rows
    from rejected_rows
    group by source_table
),

counts as (
    {% for entity in bases %}
    select
        'raw_{{ entity }}' as source_table,
        (select count(*) from raw_{{ entity }}) as raw_rows,
        (select count(*) from stg_{{ entity }}) as staged_rows,
        (select coalesce(sum(copies - 1), 0) from base_{{ entity }}) as exact_duplicates_removed
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

reconciled as (
    select
        counts.source_table,
        counts.raw_rows,
        counts.staged_rows,
        coalesce(rejected_counts.rejected_rows, 0) as rejected_rows,
        counts.exact_duplicates_removed,
        counts.raw_rows - counts.staged_rows - coalesce(rejected_counts.rejected_rows, 0)
        - counts.exact_duplicates_removed as unaccounted_rows
    from counts
    left join rejected_counts
        on counts.source_table = rejected_counts.source_table
)

select * from reconciled
