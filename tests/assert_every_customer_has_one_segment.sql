-- every customer in dim_customers has exactly one row in customer_segments; returns the others
with

customers as (
    select * from {{ ref('dim_customers') }}
),

customer_segments as (
    select * from {{ ref('customer_segments') }}
),

segment_counts as (
    select
        customers.customer_id,
        count(customer_segments.customer_id) as segments
    from customers
    left join customer_segments
        on customers.customer_id = customer_segments.customer_id
    group by customers.customer_id
)

select * from segment_counts
where segments <> 1
