-- one row per decile of predicted holdout purchases (1 = highest) when clv_holdout_check has
-- rows: predicted against actual purchase days and revenue, a scorecard of the BG/NBD and
-- Gamma-Gamma predictions
with

checked as (
    select * from {{ ref('clv_holdout_check') }}
),

-- equal predictions are split by customer_id, so each decile holds a tenth of the customers
ranked as (
    select
        *,
        {{ dbt.cast("ntile(10) over (order by predicted_purchases desc, customer_id)", dbt.type_int()) }}
            as decile
    from checked
),

deciles as (
    select
        decile,
        cast(sum(actual_purchases) as bigint) as actual_purchases,
        count(*) as customers,
        sum(predicted_purchases) as predicted_purchases,
        sum(predicted_revenue) as predicted_revenue,
        sum(actual_revenue) as actual_revenue
    from ranked
    group by decile
)

select * from deciles
