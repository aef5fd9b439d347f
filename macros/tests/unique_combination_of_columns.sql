{#- Fails with each combination of the columns held by more than one row. Grouping by the columns
    themselves, instead of testing a concatenated text key, spares building a string per row (at
    1M customers the text keys made the two largest such tests take 25 s each). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    select
        {{ combination_of_columns | join(", ") }},
        count(*) as copies
    from {{ model }}
    group by {{ combination_of_columns | join(", ") }}
    having count(*) > 1
{% endtest %}
