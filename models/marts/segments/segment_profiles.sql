-- one row per segment and feature: the segment's mean raw value and its index vs the population
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
        model_version.model_version
    from profiles
    inner join segment_names
        on profiles.segment_id = segment_names.segment_id
    cross join model_version
)

select * from named
