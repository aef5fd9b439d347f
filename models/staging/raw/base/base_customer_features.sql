-- one row per distinct raw customer feature value: parsed, with the reason it cannot be used
{{ resolve_key_conflicts('customer_features', ['customer_id', 'feature']) }}
