-- one row per day from 2000-01-01 to 2039-12-31: the calendar MetricFlow aggregates metrics over
with

days as (
    -- a fixed span, wider than any order or send, so the spine does not depend on the data
    {{ dbt.date_spine("day", "cast('2000-01-01' as date)", "cast('2040-01-01' as date)") }}
),

dated as (
    select cast(date_day as date) as date_day
    from days
)

select * from dated
