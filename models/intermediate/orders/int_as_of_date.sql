-- one row: the date RFM, ages and tenures are measured at (var rfm_as_of_date, else the date an
-- own-data format implies, else the day after the last clean order; today without orders)
with

orders as (
    select * from {{ ref('int_orders_totalled') }}
),

last_order as (
    select max(ordered_on) as last_ordered_on
    from orders
    where is_revenue_order
),

as_of as (
    select
        {{ date_var_or(
            'rfm_as_of_date',
            input_as_of_date() if input_as_of_date() else 'coalesce(' ~ dbt.cast(dbt.dateadd('day', 1, 'last_ordered_on'), type_date()) ~ ', ' ~ dbt.cast(dbt.current_timestamp(), type_date()) ~ ')'
        ) }} as as_of_date
    from last_order
)

select * from as_of
