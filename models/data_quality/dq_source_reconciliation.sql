-- one row per raw source: raw rows = staged rows + rejected rows + removed exact duplicates
{% set bases = input_staged_entities() %}
{% set sources = input_sources() or {} %}

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

stage_counts as (
    {%- for entity in bases %}
        select
            'raw_{{ entity }}' as source_table,
            'raw' as row_stage,
            count(*) as row_count
        from raw_{{ entity }}
        union all
        select
            'raw_{{ entity }}' as source_table,
            'staged' as row_stage,
            count(*) as row_count
        from stg_{{ entity }}
        union all
        select
            'raw_{{ entity }}' as source_table,
            'exact_duplicates' as row_stage,
            coalesce(sum(copies - 1), 0) as row_count
        from base_{{ entity }}
        union all
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

accounted as (
    select
        *,
        raw_rows - staged_rows - rejected_rows - exact_duplicates_removed as unaccounted_rows
    from reconciled
)

select * from accounted
