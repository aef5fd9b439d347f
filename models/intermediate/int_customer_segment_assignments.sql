-- one row per customer: the nearest k-means centroid (Euclidean, scaled units) and its distance
with

feature_values as (
    select * from {{ ref('int_customer_feature_values') }}
),

preprocessing as (
    select * from {{ ref('segment_preprocessing') }}
),

centroids as (
    select * from {{ ref('segment_centroids') }}
),


scaled as (
    select
        feature_values.customer_id,
        feature_values.feature,
        (
            case
                when preprocessing.log_transformed
                    then ln(1 + coalesce(feature_values.feature_value, preprocessing.impute_value))
                else coalesce(feature_values.feature_value, preprocessing.impute_value)
            end - preprocessing.mean
        ) / preprocessing.std as scaled_value
    from feature_values
    inner join preprocessing
        on feature_values.feature = preprocessing.feature
),

distances as (
    select
        scaled.customer_id,
        centroids.segment_id,
        sum(power(scaled.scaled_value - centroids.centroid_scaled, 2)) as squared_distance
    from scaled
    inner join centroids
        on scaled.feature = centroids.feature
    group by
        scaled.customer_id,
        centroids.segment_id
),

-- the nearest centroid; an exact tie goes to the lowest segment_id, as in Python
ranked as (
    select
        customer_id,
        segment_id,
        sqrt(squared_distance) as distance_to_centroid,
        row_number() over (
            partition by customer_id order by squared_distance, segment_id
        ) as distance_rank
    from distances
),

nearest as (
    select
        customer_id,
        segment_id,
        distance_to_centroid
    from ranked
    where distance_rank = 1
)

select * from nearest
