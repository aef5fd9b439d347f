-- one row per calibrated customer when orders exist after the calibration end: predicted and
-- actual purchase days and revenue in the holdout (calibration end to the as-of date), and the
-- predicted probability of buying in it at all
with

customers as (
    select * from {{ ref('dim_customers') }}
),

predicted as (
    select * from {{ ref('int_clv_customer_predictions') }}
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
        predicted.customer_id,
        customers.source_customer_id,
        predicted.calibration_end,
        predicted.holdout_weeks,
        predicted.expected_holdout_purchases as predicted_purchases,
        coalesce(actual.actual_purchases, 0) as actual_purchases,
        abs(predicted.expected_holdout_purchases - coalesce(actual.actual_purchases, 0))
            as absolute_error,
        -- P(at least one purchase in the holdout of tau weeks): alive, and the gamma-mixed
        -- Poisson process not silent for tau; P(alive) alone is no probability of buying within
        -- a finite window
        predicted.p_alive * (
            1 - power(
                predicted.alpha_plus_age / (predicted.alpha_plus_age + predicted.holdout_weeks),
                predicted.r_plus_repeats
            )
        ) as purchase_probability,
        predicted.expected_holdout_purchases * predicted.expected_order_value
            as predicted_revenue,
        coalesce(actual.actual_revenue, 0) as actual_revenue
    from predicted
    inner join customers
        on predicted.customer_id = customers.customer_id
    left join actual
        on predicted.customer_id = actual.customer_id
    cross join holdout
    where holdout.has_holdout
)

select * from compared
