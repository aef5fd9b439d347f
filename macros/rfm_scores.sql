{#- RFM scores by cut points (models/marts/customers/customer_rfm.sql): the 20, 40, 60 and 80%
    quantiles of a measure, and a score of 1 + the cut points the value beats. -#}
{% macro rfm_cut_shares() -%}
    {{ return([0.2, 0.4, 0.6, 0.8]) }}
{%- endmacro %}

{#- The select items <measure>_cut_1 .. _cut_4 (an aggregate over the rows scored). -#}
{% macro rfm_cut_points(measure) -%}
    {%- for share in rfm_cut_shares() %}
    percentile_cont({{ share }}) within group (order by {{ measure }})
        as {{ measure }}_cut_{{ loop.index }}
    {{- ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- 1 + the number of cut points `value` beats: strictly above them with better '>', strictly
    below with '<' (recency: fewer days is better). Equal values get equal scores. -#}
{% macro rfm_score(value, cut_points, better) -%}
    1
    {%- for share in rfm_cut_shares() %}
    + case when {{ value }} {{ better }} {{ cut_points }}_cut_{{ loop.index }} then 1 else 0 end
    {%- endfor %}
{%- endmacro %}
