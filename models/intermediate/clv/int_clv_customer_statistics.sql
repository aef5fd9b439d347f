-- one row per customer with a purchase on or before the calibration end: the BG/NBD and
-- Gamma-Gamma sufficient statistics, in weeks
with

purchase_days as (
    select * from {{ ref('int_clv_purchase_days') }}
    where is_calibration
),

numbered as (
    select
        *,
        row_number() over (partition by customer_id order by purchased_on) as purchase_number
    from purchase_days
),

statistics as (
    select
        customer_id,
        count(*) - 1 as repeat_purchases,
        min(purchased_on) as first_purchase_on,
        max(purchased_on) as last_purchase_on,
        -- the first purchase starts the clock: only the repeat purchases' values describe spend
        avg(case when purchase_number > 1 then purchase_amount end) as mean_repeat_value,
        min(calibration_end) as calibration_end,
        min(as_of_date) as as_of_date
    from numbered
    group by customer_id
),

in_weeks as (
    select
        customer_id,
        repeat_purchases,
        {{ dbt.datediff('first_purchase_on', 'last_purchase_on', 'day') }}
        / 7.0 as recency_weeks,
        {{ dbt.datediff('first_purchase_on', 'calibration_end', 'day') }}
        / 7.0 as age_weeks,
        mean_repeat_value,
        first_purchase_on,
        last_purchase_on,
        calibration_end,
        greatest({{ dbt.datediff('calibration_end', 'as_of_date', 'day') }}, 0) / 7.0
            as holdout_weeks
    from statistics
)

select * from in_weeks
