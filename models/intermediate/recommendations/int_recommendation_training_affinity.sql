-- one row per k-means segment and product its customers bought before the recommendation
-- hold-out cutoff: int_segment_product_affinity on training orders only
-- (macros/recommendation_evaluation.sql)
{{ affinity_trained_before('int_recommendation_holdout_window') }}
