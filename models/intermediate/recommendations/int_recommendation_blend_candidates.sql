-- one row per blend the validation window tries: weights in steps of 0.25 summing to 1 (each
-- component alone among them), and the recommendation_weight_* vars when they are set. The first
-- is the grid's nearest to the fixed weights of earlier versions (0.5, 0.4, 0.1): the choice
-- when the validation window cannot tell
{%- set configured = configured_blend_weights() %}
with

quarters as (
    select 0 as quarters
    union all
    select 1 as quarters
    union all
    select 2 as quarters
    union all
    select 3 as quarters
    union all
    select 4 as quarters
),

grid as (
    select
        segment.quarters as segment_quarters,
        rules.quarters as rules_quarters,
        4 - segment.quarters - rules.quarters as popularity_quarters
    from quarters as segment
    cross join quarters as rules
    where segment.quarters + rules.quarters <= 4
),

named as (
    select
        case
            when segment_quarters = 4 then 'segment'
            when rules_quarters = 4 then 'rules'
            when popularity_quarters = 4 then 'popularity'
            else {{ dbt.concat([
                "'blend_s'", dbt.cast('25 * segment_quarters', dbt.type_string()),
                "'_r'", dbt.cast('25 * rules_quarters', dbt.type_string()),
                "'_p'", dbt.cast('25 * popularity_quarters', dbt.type_string()),
            ]) }}
        end as candidate,
        cast(segment_quarters as {{ type_double() }}) / 4 as weight_segment,
        cast(rules_quarters as {{ type_double() }}) / 4 as weight_rules,
        cast(popularity_quarters as {{ type_double() }}) / 4 as weight_popularity,
        row_number() over (
            order by
                case when segment_quarters = 2 and rules_quarters = 2 then 0 else 1 end,
                segment_quarters desc,
                rules_quarters desc
        ) as candidate_order
    from grid
),

candidates as (
    select
        candidate,
        weight_segment,
        weight_rules,
        weight_popularity,
        candidate_order
    from named
    {%- if configured %}
    union all
    select
        'configured' as candidate,
        cast({{ configured['segment'] }} as {{ type_double() }}) as weight_segment,
        cast({{ configured['rules'] }} as {{ type_double() }}) as weight_rules,
        cast({{ configured['popularity'] }} as {{ type_double() }}) as weight_popularity,
        0 as candidate_order
{%- endif %}
)

select * from candidates
