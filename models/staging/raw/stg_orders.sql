-- one row per usable order
with

orders as (
    select * from {{ ref('base_orders') }}
    where rejection_reason is null
)

select
    order_id,
    customer_id,
    ordered_at,
    {{ dbt.cast('ordered_at', type_date()) }} as ordered_on,
    channel,
    order_status,
    discount_used
from orders
