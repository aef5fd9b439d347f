-- one row per segment and feature: customers, mean and median raw value, index vs population, centroid.
-- The median is over a sample of at most var segment_median_sample_size customers per segment
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
        avg(feature_values.feature_value) as segment_mean
    from feature_values
    inner join assignments
        on feature_values.customer_id = assignments.customer_id
    group by
        assignments.segment_id,
        feature_values.feature
),

-- a median keeps every value of its group: it is taken over at most var
-- segment_median_sample_size customers per segment, the same ones on every run
median_sample as (
    select
        customer_id,
        segment_id
    from (
        select
            customer_id,
            segment_id,
            row_number() over (
                partition by segment_id
                order by {{ dbt.hash('customer_id') }}, customer_id
            ) as sample_position
        from assignments
    ) as ordered_customers
    where sample_position <= {{ required_var('segment_median_sample_size') }}
),

segment_medians as (
    select
        median_sample.segment_id,
        feature_values.feature,
        percentile_cont(0.5) within group (order by feature_values.feature_value) as segment_median
    from feature_values
    inner join median_sample
        on feature_values.customer_id = median_sample.customer_id
    group by
        median_sample.segment_id,
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
        segment_medians.segment_median,
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
    left join segment_medians
        on
            centroids.segment_id = segment_medians.segment_id
            and centroids.feature = segment_medians.feature
)

select * from profiled
