-- one row per segment and feature: customers, mean and median raw value, index vs population, centroid
with

feature_values as {{ inline_cte() }} (
    select * from {{ ref('int_customer_feature_values') }}
),

assignments as (
    select * from {{ ref('int_customer_segment_assignments') }}
),

centroids as (
    select * from {{ ref('segment_centroids') }}
),


-- means skip nulls (a share without orders), as segmentation.segment_profile does
segment_means as (
    select
        assignments.segment_id,
        feature_values.feature,
        avg(feature_values.feature_value) as segment_mean,
        percentile_cont(0.5) within group (order by feature_values.feature_value) as segment_median
    from feature_values
    inner join assignments
        on feature_values.customer_id = assignments.customer_id
    group by
        assignments.segment_id,
        feature_values.feature
),

population_means as (
    select
        feature,
        avg(feature_value) as population_mean
    from feature_values
    group by feature
),

segment_sizes as (
    select
        segment_id,
        count(*) as customers
    from assignments
    group by segment_id
),

-- every centroid gets a row, even one no customer is nearest to (0 customers, null means)
profiled as (
    select
        centroids.segment_id,
        centroids.feature,
        segment_means.segment_mean,
        segment_means.segment_median,
        population_means.population_mean,
        centroids.centroid_original,
        coalesce(segment_sizes.customers, 0) as customers,
        100 * segment_means.segment_mean / nullif(population_means.population_mean, 0)
            as index_vs_population
    from centroids
    inner join population_means
        on centroids.feature = population_means.feature
    left join segment_sizes
        on centroids.segment_id = segment_sizes.segment_id
    left join segment_means
        on
            centroids.segment_id = segment_means.segment_id
            and centroids.feature = segment_means.feature
)

select * from profiled
