-- one row per calibrated customer when orders exist after the calibration end: predicted and
-- actual purchase days and revenue in the holdout (calibration end to the as-of date), and the
-- predicted probability of buying in it at all
with

customers as (
    select * from {{ ref('dim_customers') }}
),

statistics as (
    select * from {{ ref('int_clv_customer_statistics') }}
),

predictions as (
    select * from {{ ref('clv_customer_predictions') }}
),

params as (
    select * from {{ ref('clv_model_params') }}
),

holdout_days as {{ inline_cte() }} (
    select * from {{ ref('int_clv_purchase_days') }}
    where not is_calibration
),

-- the check exists only when some purchase falls after the calibration end
holdout as (
    select count(*) > 0 as has_holdout
    from holdout_days
),

actual as (
    select
        customer_id,
        count(*) as actual_purchases,
        cast(sum(purchase_amount) as {{ type_double() }}) as actual_revenue
    from holdout_days
    group by customer_id
),

compared as (
    select
        statistics.customer_id,
        customers.source_customer_id,
        statistics.calibration_end,
        statistics.holdout_weeks,
        predictions.expected_holdout_purchases as predicted_purchases,
        coalesce(actual.actual_purchases, 0) as actual_purchases,
        abs(predictions.expected_holdout_purchases - coalesce(actual.actual_purchases, 0))
            as absolute_error,
        -- P(at least one purchase in the holdout of tau weeks): alive, and the gamma-mixed
        -- Poisson process not silent for tau, p_alive * (1 - ((alpha + T) / (alpha + T + tau))
        -- ^ (r + x)); P(alive) alone is no probability of buying within a finite window
        predictions.p_alive * (
            1 - power(
                (params.alpha + statistics.age_weeks)
                / (params.alpha + statistics.age_weeks + statistics.holdout_weeks),
                params.r + statistics.repeat_purchases
            )
        ) as purchase_probability,
        predictions.expected_holdout_purchases * predictions.expected_order_value
            as predicted_revenue,
        coalesce(actual.actual_revenue, 0) as actual_revenue
    from statistics
    inner join predictions
        on statistics.customer_id = predictions.customer_id
    inner join customers
        on statistics.customer_id = customers.customer_id
    left join actual
        on statistics.customer_id = actual.customer_id
    cross join params
    cross join holdout
    where holdout.has_holdout
)

select * from compared
