-- one row per segment and feature: the segment's mean raw value and its index vs the population,
-- with the segment's lifetime value and churn risk repeated on each of its rows
with

profiles as (
    select * from {{ ref('int_segment_feature_profiles') }}
),

segment_names as (
    select * from {{ ref('segment_names') }}
),

model_version as (
    select * from {{ ref('int_segmentation_model_version') }}
),

segments as (
    select * from {{ ref('customer_segments') }}
),

lifetime_values as (
    select * from {{ ref('customer_lifetime_value') }}
),

segment_lifetime_values as (
    select
        segments.segment_id,
        avg(lifetime_values.predicted_clv) as mean_predicted_clv,
        avg(case when lifetime_values.churn_risk = 'high' then 1.0 else 0.0 end)
            as high_churn_risk_share
    from segments
    inner join lifetime_values
        on segments.customer_id = lifetime_values.customer_id
    group by segments.segment_id
),

named as (
    select
        profiles.segment_id,
        segment_names.segment_name,
        profiles.feature,
        profiles.customers,
        profiles.segment_mean,
        profiles.segment_median,
        profiles.population_mean,
        profiles.index_vs_population,
        profiles.centroid_original,
        segment_lifetime_values.mean_predicted_clv,
        segment_lifetime_values.high_churn_risk_share,
        model_version.model_version
    from profiles
    inner join segment_names
        on profiles.segment_id = segment_names.segment_id
    left join segment_lifetime_values
        on profiles.segment_id = segment_lifetime_values.segment_id
    cross join model_version
)

select * from named
