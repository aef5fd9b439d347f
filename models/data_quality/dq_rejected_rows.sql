-- one row per distinct raw row that staging could not use, with the reason: under raw_<entity>
-- for the staged entities, under the input's name for a convenience input staged line by line
{% set bases = input_staged_entities() + input_line_staged_inputs() %}

with

{% for entity in bases %}
    {{ entity }} as (
        select * from {{ ref('base_' ~ entity) }}
    ),

    -- the raw row as text: made here for the few rejected rows, not stored for every row
    {{ entity }}_rejected as (
        select
            rejection_reason,
            {{ raw_values_text('raw_values', input_columns(entity)) }} as raw_text
        from {{ entity }}
        where rejection_reason is not null
    ),
{% endfor %}

rejected as (
    {% for entity in bases %}
        {%- set record_columns = input_record_columns(entity) %}
        {%- set values = [] %}
        {%- for column in record_columns %}
            {%- do values.append(entity ~ '_rejected.raw_text.' ~ column) %}
        {%- endfor %}
        select
            {{ sql_literal(entity if entity in input_line_staged_inputs() else 'raw_' ~ entity) }}
                as source_table,
            {{ record_key_text(entity, entity ~ '_rejected.raw_text') }} as record_key,
            {{ entity }}_rejected.rejection_reason as reason,
            {{ json_record(record_columns.values() | list, values) }} as raw_record
        from {{ entity }}_rejected
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from rejected
