-- one row per segmentation, move (from -> to segment) and snapshot that saw it: customers who moved
with

history as (
    select * from {{ ref('customer_segment_history') }}
),

versions as (
    select
        customer_id,
        kmeans_segment_name,
        rfm_segment,
        dbt_valid_from,
        lag(kmeans_segment_name) over (
            partition by customer_id order by dbt_valid_from
        ) as previous_kmeans_segment_name,
        lag(rfm_segment) over (
            partition by customer_id order by dbt_valid_from
        ) as previous_rfm_segment,
        lag(dbt_valid_from) over (
            partition by customer_id order by dbt_valid_from
        ) as previous_valid_from
    from history
),

moves as (
    -- a customer's first version is no move; a new version that kept one segmentation's segment
    -- (the other one changed) is no move in that segmentation
    select
        'kmeans' as segmentation,
        previous_kmeans_segment_name as from_segment,
        kmeans_segment_name as to_segment,
        previous_valid_from,
        dbt_valid_from as valid_from
    from versions
    where
        previous_valid_from is not null
        and previous_kmeans_segment_name is distinct from kmeans_segment_name

    union all

    select
        'rfm' as segmentation,
        previous_rfm_segment as from_segment,
        rfm_segment as to_segment,
        previous_valid_from,
        dbt_valid_from as valid_from
    from versions
    where
        previous_valid_from is not null
        and previous_rfm_segment is distinct from rfm_segment
),

counted as (
    select
        segmentation,
        from_segment,
        to_segment,
        valid_from,
        cast(valid_from as date) as valid_from_date,
        min(previous_valid_from) as earliest_previous_valid_from,
        count(*) as customers
    from moves
    group by segmentation, from_segment, to_segment, valid_from
)

select * from counted
