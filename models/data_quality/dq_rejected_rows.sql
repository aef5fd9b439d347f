-- one row per distinct raw row that staging could not use, with the reason
{% set bases = input_staged_entities() %}

with

{% for entity in bases %}
    {{ entity }} as (
        select * from {{ ref('base_' ~ entity) }}
    ),
{% endfor %}

rejected as (
    {% for entity in bases %}
        select
            'raw_{{ entity }}' as source_table,
            record_key,
            rejection_reason as reason,
            raw_record
        from {{ entity }}
        where rejection_reason is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from rejected
