-- one row per clean order: int_order_amounts with its outlier flag. The amounts are a table of
-- their own, read twice (fences, flags) without a copy: at 10M customers, totalling the lines
-- and taking the fences in one query ran out of memory within 3 GB
with

order_amounts as {{ inline_cte() }} (
    select * from {{ ref('int_order_amounts') }}
),

-- outliers are values far beyond the bulk: more than k times the 99th percentile of order amounts
-- or of line quantities. A percentile, unlike the IQR, is not fooled by legitimately wide spend.
fences as (
    select
        {{ required_var('outlier_p99_multiple') }}
        * percentile_cont(0.99) within group (order by order_amount) as order_amount_fence,
        {{ required_var('outlier_p99_multiple') }}
        * percentile_cont(0.99) within group (order by max_line_quantity) as line_quantity_fence
    from order_amounts
    where is_revenue_order
),

flagged as (
    select
        order_amounts.order_id,
        order_amounts.customer_id,
        order_amounts.ordered_at,
        order_amounts.ordered_on,
        order_amounts.channel,
        order_amounts.order_status,
        order_amounts.discount_used,
        order_amounts.line_count,
        order_amounts.item_quantity,
        order_amounts.max_line_quantity,
        order_amounts.order_amount,
        order_amounts.is_revenue_order,
        coalesce(
            order_amounts.order_amount > fences.order_amount_fence
            or order_amounts.max_line_quantity > fences.line_quantity_fence,
            false
        ) as is_outlier
    from order_amounts
    cross join fences
)

select * from flagged
