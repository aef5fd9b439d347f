-- one row per customer and day with a revenue order up to the as-of date: the BG/NBD counts
-- purchases once per day.
-- The marketing_campaign format has purchase counts, not dates (its orders are spaced a week apart
-- by construction): a purchase-timing model would fit that construction, so it gets no rows.
{% set has_purchase_dates = 'marketing_campaign' not in (input_sources() or {}) %}

with

orders as (
    select * from {{ ref('int_orders_totalled') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

window_dates as (
    select
        {{ date_var_or('clv_calibration_end', 'as_of_date') }} as calibration_end,
        as_of_date
    from as_of
),

purchase_days as (
    select
        customer_id,
        ordered_on as purchased_on,
        -- an exact sum (sum_money): a parallel sum of doubles differs in the last bits from run
        -- to run, and the fit must see identical data to give identical parameters (and CRM files)
        cast({{ sum_money('order_amount') }} as decimal(38, 4)) as purchase_amount
    from orders
    where is_revenue_order and {{ 'true' if has_purchase_dates else 'false' }}
    group by customer_id, ordered_on
),

placed as (
    select
        purchase_days.customer_id,
        purchase_days.purchased_on,
        purchase_days.purchase_amount,
        window_dates.calibration_end,
        window_dates.as_of_date,
        purchase_days.purchased_on <= window_dates.calibration_end as is_calibration
    from purchase_days
    cross join window_dates
    -- like RFM, nothing after the as-of date counts (an earlier rfm_as_of_date cuts the data)
    where purchase_days.purchased_on <= window_dates.as_of_date
)

select * from placed
