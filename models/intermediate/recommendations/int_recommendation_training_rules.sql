-- one row per product rule antecedent -> consequent mined like basket_rules, from the orders
-- placed before the recommendation hold-out cutoff only (macros/recommendation_evaluation.sql)
{{ rules_trained_before('int_recommendation_holdout_window') }}
