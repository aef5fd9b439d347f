-- one row: a fingerprint of the fitted segmentation (centroids and the scaling recipe)
with

preprocessing as (
    select * from {{ ref('segment_preprocessing') }}
),

centroids as (
    select * from {{ ref('segment_centroids') }}
),

-- the same centroids and recipe give the same version; any refit that moves a centroid does not.
-- Values are rounded to 6 decimals: upstream float sums (DuckDB adds in parallel, in no fixed
-- order) differ in the last bits from build to build, and that must not change the version.
fingerprinted as (
    select
        left(
            md5(
                string_agg(
                    concat_ws(
                        '|',
                        centroids.segment_id,
                        centroids.feature,
                        round(centroids.centroid_scaled, 6),
                        preprocessing.log_transformed,
                        round(preprocessing.impute_value, 6),
                        round(preprocessing.mean, 6),
                        round(preprocessing.std, 6)
                    ),
                    ';'
                    order by centroids.segment_id, centroids.feature
                )
            ),
            12
        ) as model_version
    from centroids
    inner join preprocessing
        on centroids.feature = preprocessing.feature
    -- no row at all, rather than a null version, when nothing was segmented (no customers)
    having count(*) > 0
)

select * from fingerprinted
