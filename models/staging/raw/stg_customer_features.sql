-- one row per customer and user-supplied segmentation feature
with

customer_features as (
    select * from {{ ref('base_customer_features') }}
    where rejection_reason is null
)

select
    customer_id,
    feature,
    feature_value
from customer_features
