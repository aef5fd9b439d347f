-- one row per customer in dim_customers: k-means segment, its name and distance to its centroid
with

customers as (
    select * from {{ ref('dim_customers') }}
),

assignments as (
    select * from {{ ref('int_customer_segment_assignments') }}
),

segment_names as (
    select * from {{ ref('segment_names') }}
),

model_version as (
    select * from {{ ref('int_segmentation_model_version') }}
),

named as (
    select
        assignments.customer_id,
        customers.source_customer_id,
        assignments.segment_id,
        segment_names.segment_name,
        assignments.distance_to_centroid,
        model_version.model_version
    from assignments
    inner join customers
        on assignments.customer_id = customers.customer_id
    inner join segment_names
        on assignments.segment_id = segment_names.segment_id
    cross join model_version
)

select * from named
