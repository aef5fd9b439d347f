-- one row per usable order line (order, product)
with

order_items as (
    select * from {{ ref('base_order_items') }}
    where rejection_reason is null
)

select
    order_id,
    product_id,
    quantity,
    unit_price,
    quantity * unit_price as line_amount
from order_items
