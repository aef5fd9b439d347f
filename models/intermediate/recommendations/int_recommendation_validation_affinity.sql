-- one row per k-means segment and product its customers bought before the validation window:
-- int_segment_product_affinity on those orders only (macros/recommendation_evaluation.sql)
{{ affinity_trained_before('int_recommendation_validation_window') }}
