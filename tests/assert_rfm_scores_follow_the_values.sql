-- equal values get equal RFM scores and a better value never a lower score: returns, per
-- measure, each value whose customers got more than one score or a score below that of a worse
-- value
{%- set measures = [
    ('recency_days', 'r_score', 'desc'),
    ('frequency', 'f_score', 'asc'),
    ('monetary', 'm_score', 'asc'),
] %}

with

rfm as (
    select * from {{ ref('customer_rfm') }}
    where frequency > 0
),

{% for measure, score, worst_first in measures %}
{{ score }}_by_value as (
    select
        {{ measure }} as measure_value,
        min({{ score }}) as lowest_score,
        max({{ score }}) as highest_score
    from rfm
    group by {{ measure }}
),

{{ score }}_checked as (
    select
        '{{ measure }}' as measure,
        measure_value,
        lowest_score,
        highest_score,
        max(highest_score) over (
            order by measure_value {{ worst_first }}
            rows between unbounded preceding and 1 preceding
        ) as highest_score_of_worse_values
    from {{ score }}_by_value
),

{% endfor %}

violations as (
    {%- for _, score, _ in measures %}
    select * from {{ score }}_checked
    where
        lowest_score <> highest_score
        or lowest_score < highest_score_of_worse_values
    {{ 'union all' if not loop.last }}
    {%- endfor %}
)

select * from violations
