-- one row per customer: the nearest k-means centroid (Euclidean, scaled units) and its distance.
-- One row per customer and centroid, each feature a column: the long format (a row per
-- customer, feature and centroid: 112M rows at 1M customers) took twice as long.
{#- the features segment_preprocessing scales, read when the model runs (none while parsing) -#}
{% set preprocessing_relation = load_relation(ref('segment_preprocessing')) if execute else none %}
{% set features = [] %}
{% if preprocessing_relation is not none %}
    {% set feature_rows = run_query(
        "select feature from " ~ preprocessing_relation ~ " order by feature"
    ) %}
    {% set features = feature_rows.columns[0].values() %}
{% endif %}

with

segmentation_features as (
    select * from {{ ref('int_customer_segmentation_features') }}
),

preprocessing as (
    select * from {{ ref('segment_preprocessing') }}
),

centroids as (
    select * from {{ ref('segment_centroids') }}
),

{% if features %}
    -- one row: every feature's recipe side by side
    recipe as (
        select
        {%- for feature in features %}
                max(case when feature = {{ sql_literal(feature) }} and log_transformed then 1 else 0 end)
                    as log_transformed_{{ loop.index }},
                max(case when feature = {{ sql_literal(feature) }} then impute_value end)
                    as impute_value_{{ loop.index }},
                max(case when feature = {{ sql_literal(feature) }} then mean end) as mean_{{ loop.index }},
                max(case when feature = {{ sql_literal(feature) }} then std end) as std_{{ loop.index }}
                {{- "," if not loop.last }}
        {%- endfor %}
        from preprocessing
    ),

    scaled as (
        select
            segmentation_features.customer_id,
        {%- for feature in features %}
                {%- set value = "coalesce(cast(segmentation_features." ~ sql_identifier(feature) ~ " as "
                    ~ type_double() ~ "), recipe.impute_value_" ~ loop.index ~ ")" %}
            (
                case
                    when recipe.log_transformed_{{ loop.index }} = 1 then ln(1 + {{ value }})
                    else {{ value }}
                end - recipe.mean_{{ loop.index }}
            ) / recipe.std_{{ loop.index }} as scaled_{{ loop.index }}
            {{- "," if not loop.last }}
        {%- endfor %}
        from segmentation_features
        cross join recipe
    ),

    centroid_rows as (
        select
            segment_id,
        {%- for feature in features %}
            max(case when feature = {{ sql_literal(feature) }} then centroid_scaled end)
                as centroid_{{ loop.index }}
            {{- "," if not loop.last }}
        {%- endfor %}
        from centroids
        group by segment_id
    ),

    distances as (
        select
            scaled.customer_id,
            centroid_rows.segment_id,
            {%- for feature in features %}
                power(scaled.scaled_{{ loop.index }} - centroid_rows.centroid_{{ loop.index }}, 2)
                {{- " +" if not loop.last }}
            {%- endfor %}
                as squared_distance
        from scaled
        cross join centroid_rows
    ),
{% else %}
    -- no features scaled (or the model is being parsed): no customer is assigned
    distances as (
        select
            segmentation_features.customer_id,
            centroids.segment_id,
            cast(null as {{ type_double() }}) as squared_distance
        from segmentation_features
        cross join centroids
        cross join preprocessing
        where false
    ),
{% endif %}

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
