-- one row: the recommendation hold-out, from the cutoff (var recommendation_holdout_cutoff, else
-- 90 days before the as-of date) up to the as-of date
with

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

holdout_window as (
    select
        {{ date_var_or(
            'recommendation_holdout_cutoff',
            dbt.cast(dbt.dateadd('day', -90, 'as_of_date'), type_date())
        ) }} as cutoff_date,
        as_of_date as end_date
    from as_of
)

select * from holdout_window
