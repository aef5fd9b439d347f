-- one row when orders exist after the calibration end: the BG/NBD holdout check in total
with

checked as (
    select * from {{ ref('clv_holdout_check') }}
),

summarised as (
    select
        min(calibration_end) as calibration_end,
        min(holdout_weeks) as holdout_weeks,
        count(*) as customers,
        sum(predicted_purchases) as predicted_purchases,
        sum(actual_purchases) as actual_purchases,
        sum(predicted_purchases) / nullif(sum(actual_purchases), 0) - 1 as total_relative_error,
        avg(absolute_error) as mean_absolute_error,
        sqrt(avg(absolute_error * absolute_error)) as rmse,
        corr(predicted_purchases, actual_purchases) as purchase_correlation,
        avg(
            (purchase_probability - case when actual_purchases > 0 then 1 else 0 end)
            * (purchase_probability - case when actual_purchases > 0 then 1 else 0 end)
        ) as purchase_brier_score
    from checked
    having count(*) > 0
)

select * from summarised
