-- one row per experiment with a kmeans_targeted and an rfm_targeted arm: which targeting converted better
with

ab_test_results as (
    select * from {{ ref('fct_ab_test_results') }}
),

head_to_head as (
    select
        experiment_id,
        variant_n as kmeans_n,
        variant_successes as kmeans_conversions,
        variant_rate as kmeans_conversion_rate,
        control_n as rfm_n,
        control_successes as rfm_conversions,
        control_rate as rfm_conversion_rate,
        abs_lift,
        rel_lift,
        p_value,
        significant,
        verdict
    from ab_test_results
    where
        metric = 'conversion'
        and variant = 'kmeans_targeted'
        and control_variant = 'rfm_targeted'
),

decided as (
    select
        *,
        case
            when kmeans_conversion_rate > rfm_conversion_rate then 'kmeans_targeted'
            when kmeans_conversion_rate < rfm_conversion_rate then 'rfm_targeted'
        end as better_targeting,
        case
            when verdict = 'invalid: sample ratio mismatch'
                then 'The arms did not get their planned shares of recipients, so the test is invalid'
            when significant and abs_lift > 0
                then 'K-means targeting converted significantly better than RFM targeting'
            when significant and abs_lift < 0
                then 'RFM targeting converted significantly better than K-means targeting'
            when verdict = 'underpowered'
                then 'No significant difference, and the test was too small to detect one this size'
            else 'No significant difference between K-means and RFM targeting'
        end as conclusion
    from head_to_head
),

described as (
    select
        experiment_id,
        better_targeting,
        significant,
        verdict,
        kmeans_n,
        kmeans_conversions,
        kmeans_conversion_rate,
        rfm_n,
        rfm_conversions,
        rfm_conversion_rate,
        abs_lift,
        rel_lift,
        p_value,
        {{ dbt.concat([
            'conclusion',
            "': '",
            dbt.cast('round(100 * kmeans_conversion_rate, 1)', dbt.type_string()),
            "'% of delivered K-means-targeted recipients converted vs '",
            dbt.cast('round(100 * rfm_conversion_rate, 1)', dbt.type_string()),
            "'% with RFM targeting ('",
            dbt.cast('round(100 * abs_lift, 1)', dbt.type_string()),
            "' points, p '",
            "case when p_value < 0.0001 then '' else '= ' end",
            "case when p_value < 0.0001 then '< 0.0001' else "
            ~ dbt.cast('round(p_value, 4)', dbt.type_string()) ~ " end",
            "').'",
        ]) }} as summary_sentence
    from decided
)

select * from described
