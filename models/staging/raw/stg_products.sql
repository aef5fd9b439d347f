-- one row per usable product
with

products as (
    select * from {{ ref('base_products') }}
    where rejection_reason is null
)

select
    product_id,
    source_product_id,
    product_name,
    category,
    price
from products
