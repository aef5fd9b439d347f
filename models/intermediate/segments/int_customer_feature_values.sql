-- one row per customer and segmentation feature: the raw feature value (long format). A view:
-- unpivoting the wide table where the profiles read it took no longer than reading a stored copy
{{ config(materialized='view') }}

with

features as (
    select * from {{ ref('int_customer_segmentation_features') }}
),

-- nulls are kept: the preprocessing recipe imputes them
feature_values as (
    select *
    from features
    unpivot include nulls (
        feature_value for feature in (columns(* exclude (customer_id)))
    )
)

select
    customer_id,
    feature,
    feature_value
from feature_values
