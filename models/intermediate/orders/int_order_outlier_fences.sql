-- one row: the outlier fences of int_orders_totalled. Outliers are values far beyond the bulk:
-- more than k times the 99th percentile of order amounts or of line quantities. A percentile,
-- unlike the IQR, is not fooled by legitimately wide spend.
with

order_amounts as (
    select * from {{ ref('int_order_amounts') }}
),

fences as (
    select
        {{ required_var('outlier_p99_multiple') }}
        * percentile_cont(0.99) within group (order by order_amount) as order_amount_fence,
        {{ required_var('outlier_p99_multiple') }}
        * percentile_cont(0.99) within group (order by max_line_quantity) as line_quantity_fence
    from order_amounts
    where is_revenue_order
)

select * from fences
