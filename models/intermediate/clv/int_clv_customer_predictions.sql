-- one row per customer with a purchase on or before the calibration end: its BG/NBD statistics,
-- the Python model's predictions, and alpha + T and r + x, the posterior terms of
-- P(a purchase within w weeks) = p_alive * (1 - ((alpha + T) / (alpha + T + w)) ^ (r + x))
with

statistics as (
    select * from {{ ref('int_clv_customer_statistics') }}
),

predictions as (
    select * from {{ ref('clv_customer_predictions') }}
),

params as (
    select * from {{ ref('clv_model_params') }}
),

predicted as (
    select
        statistics.customer_id,
        statistics.repeat_purchases,
        statistics.recency_weeks,
        statistics.age_weeks,
        statistics.mean_repeat_value,
        statistics.calibration_end,
        statistics.holdout_weeks,
        predictions.p_alive,
        predictions.expected_purchases,
        predictions.expected_purchases_90d,
        predictions.expected_holdout_purchases,
        predictions.expected_order_value,
        predictions.discounted_expected_purchases,
        params.alpha + statistics.age_weeks as alpha_plus_age,
        params.r + statistics.repeat_purchases as r_plus_repeats
    from statistics
    inner join predictions
        on statistics.customer_id = predictions.customer_id
    cross join params
)

select * from predicted
