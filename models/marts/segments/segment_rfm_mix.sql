-- one row per k-means segment and RFM segment of its customers: how the two segmentations overlap
with

segments as (
    select * from {{ ref('customer_segments') }}
),

customer_rfm as (
    select * from {{ ref('customer_rfm') }}
),

overlap as (
    select
        segments.segment_id,
        segments.segment_name,
        customer_rfm.rfm_segment,
        count(*) as customers
    from segments
    inner join customer_rfm
        on segments.customer_id = customer_rfm.customer_id
    group by
        segments.segment_id,
        segments.segment_name,
        customer_rfm.rfm_segment
),

shared as (
    select
        *,
        1.0 * customers / sum(customers) over (partition by segment_id) as share_of_segment
    from overlap
)

select * from shared
