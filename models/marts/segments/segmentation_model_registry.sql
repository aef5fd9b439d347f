-- one row per fitted segmentation model version: when it was first built, on what, and how good.
-- A registry from an earlier version gains the new columns, null on its old rows
{{
    config(
        materialized='incremental',
        unique_key='model_version',
        on_schema_change='append_new_columns',
        full_refresh=false
    )
}}

with

model_version as (
    select * from {{ ref('int_segmentation_model_version') }}
),

selection as (
    select * from {{ ref('segmentation_model_selection') }}
),

preprocessing as (
    select * from {{ ref('segment_preprocessing') }}
),

centroids as (
    select * from {{ ref('segment_centroids') }}
),

features as (
    select * from {{ ref('int_customer_segmentation_features') }}
),

chosen_k as (
    select
        k,
        silhouette,
        davies_bouldin,
        calinski_harabasz,
        stability
    from selection
    where is_chosen
),

training_data as (
    select count(*) as customers_fitted
    from features
),

-- fit_start and customers_moved_in repeat on every feature row of a segment
segment_fits as (
    select distinct
        segment_id,
        fit_start,
        customers_moved_in
    from centroids
),

fit as (
    select
        max(fit_start) as fit_start,
        -- null on a first fit: there was no previous segment to move from
        cast(sum(customers_moved_in) as {{ dbt.type_bigint() }}) as customers_moved
    from segment_fits
),

feature_list as (
    select {{ dbt.listagg('feature', "','", 'order by feature') }} as features
    from preprocessing
),

registered as (
    select
        model_version.model_version,
        -- the build that first produced this version: later builds of it are filtered out below
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp) as trained_at,
        training_data.customers_fitted,
        chosen_k.k,
        chosen_k.silhouette,
        chosen_k.davies_bouldin,
        chosen_k.calinski_harabasz,
        chosen_k.stability,
        feature_list.features,
        fit.fit_start,
        fit.customers_moved
    from model_version
    cross join chosen_k
    cross join training_data
    cross join feature_list
    cross join fit
    {% if is_incremental() %}
        -- a rebuild that re-finds a registered model keeps its first trained_at
        where model_version.model_version not in (select registry.model_version from {{ this }} as registry)
    {% endif %}
)

select * from registered
