-- one row: the window that chooses the recommendation blend, as long as the hold-out and ending
-- where it starts, so the evaluation window never chooses the model it scores
with

holdout_window as (
    select * from {{ ref('int_recommendation_holdout_window') }}
),

validation_window as (
    select
        {{ dbt.cast(
            dbt.dateadd('day', '-' ~ dbt.datediff('cutoff_date', 'end_date', 'day'), 'cutoff_date'),
            type_date()
        ) }} as cutoff_date,
        cutoff_date as end_date
    from holdout_window
)

select * from validation_window
