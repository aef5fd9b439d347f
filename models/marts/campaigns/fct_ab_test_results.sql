-- one row per experiment, metric and comparison (each arm vs control, kmeans_targeted vs rfm_targeted)
{% set z_critical = two_sided_z_critical() %}

with

campaign_kpis as (
    select * from {{ ref('fct_campaign_kpis') }}
),

arms as (
    select
        experiment_id,
        variant,
        planned_share,
        sent,
        delivered,
        conversions,
        unique_clicks,
        unique_opens
    from campaign_kpis
    where experiment_id is not null
),

-- sample ratio mismatch: chi-square of the arms' recipients against their planned shares
experiment_totals as (
    select
        experiment_id,
        count(*) as arm_count,
        sum(sent) as total_sent,
        sum(planned_share) as total_planned_share
    from arms
    group by experiment_id
),

srm_terms as (
    select
        arms.experiment_id,
        experiment_totals.arm_count,
        power(
            arms.sent
            - experiment_totals.total_sent * arms.planned_share / experiment_totals.total_planned_share,
            2
        )
        / nullif(
            experiment_totals.total_sent * arms.planned_share / experiment_totals.total_planned_share,
            0
        ) as chi_square_term
    from arms
    inner join experiment_totals
        on arms.experiment_id = experiment_totals.experiment_id
),

srm_statistics as (
    select
        experiment_id,
        arm_count,
        sum(chi_square_term) as srm_chi_square
    from srm_terms
    group by
        experiment_id,
        arm_count
),

-- closed forms of the chi-square survival function: df 1 is 2 (1 - Phi(sqrt x)), df 2 is exp(-x / 2);
-- other numbers of arms get no srm_p_value
srm_tests as (
    select
        experiment_id,
        case
            when arm_count = 2 then {{ normal_two_sided_p('sqrt(srm_chi_square)') }}
            when arm_count = 3 then exp(-srm_chi_square / 2.0)
        end as srm_p_value
    from srm_statistics
),

metric_arms as (
    select
        experiment_id,
        variant,
        'conversion' as metric,
        delivered as arm_n,
        conversions as arm_successes
    from arms
    union all
    select
        experiment_id,
        variant,
        'click_through' as metric,
        delivered as arm_n,
        unique_clicks as arm_successes
    from arms
    union all
    select
        experiment_id,
        variant,
        -- people's opens only: machine opens differ with each arm's share of prefetching clients
        'open' as metric,
        delivered as arm_n,
        unique_opens as arm_successes
    from arms
),

comparisons as (
    select
        treated.experiment_id,
        treated.metric,
        treated.variant,
        baseline.variant as control_variant,
        treated.arm_n as variant_n,
        treated.arm_successes as variant_successes,
        baseline.arm_n as control_n,
        baseline.arm_successes as control_successes
    from metric_arms as treated
    inner join metric_arms as baseline
        on treated.experiment_id = baseline.experiment_id
            and treated.metric = baseline.metric
            and (
                (baseline.variant = 'control' and treated.variant != 'control')
                or (baseline.variant = 'rfm_targeted' and treated.variant = 'kmeans_targeted')
            )
),

rates as (
    select
        *,
        {{ safe_ratio('variant_successes', 'variant_n') }} as variant_rate,
        {{ safe_ratio('control_successes', 'control_n') }} as control_rate,
        {{ safe_ratio('variant_successes + control_successes', 'variant_n + control_n') }}
            as pooled_rate
    from comparisons
),

lifts as (
    select
        *,
        variant_rate - control_rate as abs_lift,
        variant_rate / nullif(control_rate, 0) - 1.0 as rel_lift,
        sqrt(pooled_rate * (1.0 - pooled_rate) * (1.0 / variant_n + 1.0 / control_n))
            as pooled_standard_error,
        sqrt(
            variant_rate * (1.0 - variant_rate) / variant_n
            + control_rate * (1.0 - control_rate) / control_n
        ) as unpooled_standard_error,
        sqrt(control_rate * (1.0 - control_rate) * (1.0 / variant_n + 1.0 / control_n))
            as baseline_standard_error,
        -- delta method: var(ln p) = (1 - p) / (n p) = (1 - p) / successes
        sqrt(
            (1.0 - variant_rate) / nullif(variant_successes, 0)
            + (1.0 - control_rate) / nullif(control_successes, 0)
        ) as log_ratio_standard_error
    from rates
),

z_scores as (
    select
        *,
        abs_lift / nullif(pooled_standard_error, 0) as z_statistic,
        abs(abs_lift) / nullif(unpooled_standard_error, 0) as observed_effect_z
    from lifts
),

tested as (
    select
        *,
        {{ normal_two_sided_p('z_statistic') }} as p_value,
        abs_lift - {{ z_critical }} * unpooled_standard_error as ci_low,
        abs_lift + {{ z_critical }} * unpooled_standard_error as ci_high,
        exp(ln(variant_rate / nullif(control_rate, 0)) - {{ z_critical }} * log_ratio_standard_error)
        - 1.0 as rel_lift_ci_low,
        exp(ln(variant_rate / nullif(control_rate, 0)) + {{ z_critical }} * log_ratio_standard_error)
        - 1.0 as rel_lift_ci_high,
        {{ normal_cdf('observed_effect_z - ' ~ z_critical) }}
        + {{ normal_cdf('-observed_effect_z - ' ~ z_critical) }} as power,
        ({{ z_critical }} + {{ z_power_80() }}) * baseline_standard_error as minimum_detectable_effect
    from z_scores
),

judged as (
    select
        tested.experiment_id,
        tested.metric,
        tested.variant,
        tested.control_variant,
        tested.variant_n,
        tested.variant_successes,
        tested.control_n,
        tested.control_successes,
        tested.variant_rate,
        tested.control_rate,
        tested.abs_lift,
        tested.rel_lift,
        tested.p_value,
        tested.ci_low,
        tested.ci_high,
        tested.rel_lift_ci_low,
        tested.rel_lift_ci_high,
        coalesce(tested.p_value < {{ required_var('ab_alpha') }}, false) as significant,
        tested.power,
        tested.minimum_detectable_effect,
        srm_tests.srm_p_value,
        case
            when srm_tests.srm_p_value < 0.001 then 'invalid: sample ratio mismatch'
            when tested.p_value < {{ required_var('ab_alpha') }} and tested.abs_lift > 0 then 'winner'
            when tested.p_value < {{ required_var('ab_alpha') }} and tested.abs_lift < 0 then 'loser'
            when coalesce(tested.power, 0) < 0.8 then 'underpowered'
            else 'no significant difference'
        end as verdict
    from tested
    left join srm_tests
        on tested.experiment_id = srm_tests.experiment_id
)

select * from judged
