-- one row per customer and day with a revenue order: the BG/NBD counts purchases once per day
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
        sum(order_amount) as purchase_amount
    from orders
    where is_revenue_order
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
)

select * from placed
