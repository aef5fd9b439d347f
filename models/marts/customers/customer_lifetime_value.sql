-- one row per customer with a purchase on or before the calibration end: P(alive), expected
-- purchases, expected order value, discounted lifetime value over the horizon and the expected
-- date of the next order
with

customers as (
    select * from {{ ref('dim_customers') }}
),

predicted as (
    select * from {{ ref('int_clv_customer_predictions') }}
),

-- the median wait w from the calibration end to the next purchase, where
-- P(a purchase by w) = p_alive * (1 - ((alpha + T) / (alpha + T + w)) ^ (r + x)) = 1/2; it exists
-- only when the customer is more likely alive than not
waits as (
    select
        *,
        case
            when p_alive > 0.5
                then alpha_plus_age * (power(1 - 0.5 / p_alive, -1.0 / r_plus_repeats) - 1)
        end as median_weeks_to_next_order
    from predicted
),

valued as (
    select
        waits.customer_id,
        customers.source_customer_id,
        waits.repeat_purchases,
        waits.recency_weeks,
        waits.age_weeks,
        waits.mean_repeat_value,
        waits.p_alive,
        waits.expected_purchases,
        waits.expected_purchases_90d,
        -- a date beyond the horizon is no prediction
        case
            when waits.median_weeks_to_next_order <= {{ required_var('clv_horizon_weeks') }}
                then {{ dbt.cast(dbt.dateadd(
                    'day',
                    dbt.cast('round(waits.median_weeks_to_next_order * 7)', dbt.type_int()),
                    'waits.calibration_end'
                ), type_date()) }}
        end as expected_next_order_date,
        waits.expected_order_value,
        waits.discounted_expected_purchases * waits.expected_order_value as predicted_clv,
        case
            when waits.p_alive < {{ required_var('clv_churn_high_below') }} then 'high'
            when waits.p_alive < {{ required_var('clv_churn_medium_below') }} then 'medium'
            else 'low'
        end as churn_risk,
        {{ required_var('clv_horizon_weeks') }} as horizon_weeks,
        waits.calibration_end
    from waits
    inner join customers
        on waits.customer_id = customers.customer_id
)

select * from valued
