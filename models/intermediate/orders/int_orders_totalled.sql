-- one row per clean order: int_order_amounts with its outlier flag. A view: a stored copy of
-- every order to add one flag took longer to write than any reader takes to compute the flag
-- against the one-row fences
{{ config(materialized='view') }}

with

order_amounts as (
    select * from {{ ref('int_order_amounts') }}
),

fences as (
    select * from {{ ref('int_order_outlier_fences') }}
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
