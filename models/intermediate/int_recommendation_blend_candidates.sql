-- one row per blend the validation window tries: weights in steps of 0.25 summing to 1 (each
-- component alone among them), and the recommendation_weight_* vars when they are set. The first
-- is the grid's nearest to the fixed weights of earlier versions (0.5, 0.4, 0.1): the choice
-- when the validation window cannot tell
{%- set configured = configured_blend_weights() -%}
{%- set steps = 4 -%}
{%- set grid = [(2, 2, 0)] -%}
{%- for segment in range(steps, -1, -1) -%}
    {%- for rules in range(steps - segment, -1, -1) -%}
        {%- if (segment, rules, steps - segment - rules) not in grid -%}
            {%- do grid.append((segment, rules, steps - segment - rules)) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endfor -%}
{%- set single_names = {(steps, 0, 0): 'segment', (0, steps, 0): 'rules', (0, 0, steps): 'popularity'} %}
with

grid as (
{%- for segment, rules, popularity in grid %}
    select
        '{{ single_names.get((segment, rules, popularity))
            or 'blend_s%d_r%d_p%d' % (100 * segment // steps, 100 * rules // steps, 100 * popularity // steps) }}'
            as candidate,
        cast({{ segment / steps }} as {{ type_double() }}) as weight_segment,
        cast({{ rules / steps }} as {{ type_double() }}) as weight_rules,
        cast({{ popularity / steps }} as {{ type_double() }}) as weight_popularity,
        {{ loop.index }} as candidate_order
    {{- "\n    union all" if not loop.last }}
{%- endfor %}
),

configured as (
{%- if configured %}
    select
        'configured' as candidate,
        cast({{ configured['segment'] }} as {{ type_double() }}) as weight_segment,
        cast({{ configured['rules'] }} as {{ type_double() }}) as weight_rules,
        cast({{ configured['popularity'] }} as {{ type_double() }}) as weight_popularity,
        0 as candidate_order
{%- else %}
    select * from grid
    where 1 = 0
{%- endif %}
),

candidates as (
    select * from grid
    union all
    select * from configured
)

select * from candidates
