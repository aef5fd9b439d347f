-- one row per order and product, for orders placed before the validation window: the baskets
-- int_recommendation_validation_rules mines (a table, as int_recommendation_training_baskets is)
with

training_baskets as (
    select * from {{ ref('int_recommendation_training_baskets') }}
),

orders as (
    select * from {{ ref('stg_orders') }}
),

validation_window as (
    select * from {{ ref('int_recommendation_validation_window') }}
),

validation_baskets as (
    select
        training_baskets.order_id,
        training_baskets.product_id
    from training_baskets
    inner join orders
        on training_baskets.order_id = orders.order_id
    cross join validation_window
    where orders.ordered_on < validation_window.cutoff_date
)

select * from validation_baskets
