-- one row per customer with a purchase on or before the calibration end: P(alive), expected
-- purchases, expected order value and discounted lifetime value over the horizon
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

valued as (
    select
        statistics.customer_id,
        customers.source_customer_id,
        statistics.repeat_purchases,
        statistics.recency_weeks,
        statistics.age_weeks,
        statistics.mean_repeat_value,
        predictions.p_alive,
        predictions.expected_purchases,
        predictions.expected_order_value,
        predictions.discounted_expected_purchases * predictions.expected_order_value
            as predicted_clv,
        case
            when predictions.p_alive < {{ required_var('clv_churn_high_below') }} then 'high'
            when predictions.p_alive < {{ required_var('clv_churn_medium_below') }} then 'medium'
            else 'low'
        end as churn_risk,
        {{ required_var('clv_horizon_weeks') }} as horizon_weeks,
        statistics.calibration_end
    from statistics
    inner join predictions
        on statistics.customer_id = predictions.customer_id
    inner join customers
        on statistics.customer_id = customers.customer_id
)

select * from valued
