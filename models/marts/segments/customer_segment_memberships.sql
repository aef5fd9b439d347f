-- one row per customer: the k-means and RFM segment it is in now (the source of the segment snapshot)
with

kmeans as (
    select * from {{ ref('customer_segments') }}
),

rfm as (
    select * from {{ ref('customer_rfm') }}
),

memberships as (
    select
        kmeans.customer_id,
        kmeans.source_customer_id,
        kmeans.segment_id as kmeans_segment_id,
        kmeans.segment_name as kmeans_segment_name,
        rfm.rfm_segment
    from kmeans
    inner join rfm
        on kmeans.customer_id = rfm.customer_id
)

select * from memberships
