-- one row per product rule antecedent -> consequent mined like basket_rules, from the orders
-- placed before the validation window only (macros/recommendation_evaluation.sql)
{{ rules_trained_before('int_recommendation_validation_window') }}
