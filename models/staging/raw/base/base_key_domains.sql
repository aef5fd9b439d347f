-- one row per key domain (customer, product, order, ...): whether every id of it, across every
-- input this build reads, is a plain integer (macros/input/input_keys.sql). Inputs that hold the ids
-- in an integer type of their own are integers by their type and are not read.
{% set sources = input_sources() %}
{% set read_ids = [] %}
{% set read_entities = {} %}
{% for domain in input_key_domains() %}
    {% for entity, column in input_key_domain_members(domain) %}
        {% if input_native_types(entity).get(column) not in file_integer_types() %}
            {% do read_ids.append((domain, entity, column)) %}
            {% do read_entities.setdefault(entity, []).append(column) %}
        {% endif %}
    {% endfor %}
{% endfor %}

with

domains as (
    select known.key_domain
    from (
        values
        {%- for domain in input_key_domains() %}
            ({{ sql_literal(domain) }}){{ "," if not loop.last }}
        {%- endfor %}
    ) as known (key_domain)
),

-- each input's id columns, read once however many domains they belong to
{% for entity, columns in read_entities.items() %}
    {%- set trimmed = [] %}
    {%- for column in columns %}
        {%- do trimmed.append('trim(cast(' ~ sql_identifier(column) ~ ' as ' ~ dbt.type_string()
            ~ ')) as ' ~ sql_identifier(column)) %}
    {%- endfor %}
    {{ entity }}_ids as {{ materialized_cte() }} (
        select {{ trimmed | join(', ') }}
        from {{ ref('raw_' ~ entity) if sources is none else input_read(entity) }}
    ),
{% endfor %}

ids as (
    {%- for domain, entity, column in read_ids %}
        select
            {{ sql_literal(domain) }} as key_domain,
            {{ sql_identifier(column) }} as id_text
        from {{ entity }}_ids
        union all
    {%- endfor %}
    select
        cast(null as {{ dbt.type_string() }}) as key_domain,
        cast(null as {{ dbt.type_string() }}) as id_text
    where 1 = 0
),

-- an id that is neither empty nor an integer of at most 64 bits
non_integer_ids as (
    select
        key_domain,
        count(*) as ids
    from ids
    where
        not {{ input_key_is_empty('id_text') }}
        and not coalesce(
            {{ input_key_is_integer('id_text') }}
            and try_cast(split_part(id_text, '.', 1) as bigint) is not null,
            false
        )
    group by key_domain
),

verdicts as (
    select
        domains.key_domain,
        non_integer_ids.ids is null as is_numeric
    from domains
    left join non_integer_ids
        on domains.key_domain = non_integer_ids.key_domain
)

select * from verdicts
