-- one row per candidate blend: its weights, how its top 3 offers met the products customers
-- first bought in the validation window, and whether it is the one customer_recommendations serves
with

offers as {{ inline_cte() }} (
    select
        candidate as recommender,
        customer_id,
        product_id
    from {{ ref('int_recommendation_validation_offers') }}
),

first_purchases as (
    select * from {{ ref('int_customer_product_first_purchases') }}
),

holdout_window as (
    select * from {{ ref('int_recommendation_validation_window') }}
),

candidates as (
    select * from {{ ref('int_recommendation_blend_candidates') }}
),

{{ recommendation_hit_ctes() }},

-- set vars win; else the best validation hit rate, then recall, then the blend tried first
-- (a window without customers to tell leaves the first, an even blend of segment and rules)
ranked as (
    select
        candidates.candidate,
        candidates.weight_segment,
        candidates.weight_rules,
        candidates.weight_popularity,
        holdout_window.cutoff_date as validation_start_date,
        holdout_window.end_date as validation_end_date,
        recommender_metrics.hit_rate_at_3 as validation_hit_rate_at_3,
        recommender_metrics.hit_rate_standard_error as validation_hit_rate_standard_error,
        recommender_metrics.recall_at_3 as validation_recall_at_3,
        coalesce(recommender_metrics.customers_evaluated, 0) as customers_validated,
        max(case when candidates.candidate = 'configured' then 1 else 0 end) over () as is_configured,
        row_number() over (
            order by
                case when candidates.candidate = 'configured' then 0 else 1 end,
                recommender_metrics.hit_rate_at_3 desc nulls last,
                recommender_metrics.recall_at_3 desc nulls last,
                candidates.candidate_order asc
        ) as choice_rank
    from candidates
    left join recommender_metrics
        on candidates.candidate = recommender_metrics.recommender
    cross join holdout_window
),

blend_weights as (
    select
        candidate,
        weight_segment,
        weight_rules,
        weight_popularity,
        validation_start_date,
        validation_end_date,
        customers_validated,
        validation_hit_rate_at_3,
        validation_hit_rate_standard_error,
        validation_recall_at_3,
        choice_rank = 1 as is_chosen,
        case when is_configured = 1 then 'vars' else 'validation' end as chosen_by
    from ranked
)

select * from blend_weights
