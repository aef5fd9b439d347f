-- one row per distinct raw row that staging could not use, with the reason
{% set bases = input_staged_entities() %}

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
        select
            'raw_{{ entity }}' as source_table,
            {{ record_key_text(entity, entity ~ '_rejected.raw_text') }} as record_key,
            {{ entity }}_rejected.rejection_reason as reason,
            {{ json_text(entity ~ '_rejected.raw_text') }} as raw_record
        from {{ entity }}_rejected
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from rejected
