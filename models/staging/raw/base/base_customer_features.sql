-- one row per distinct raw customer feature value: parsed, with the reason it cannot be used
{{ resolve_key_conflicts('base_customer_features_checked', ['customer_id', 'feature']) }}
