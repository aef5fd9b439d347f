-- one row per distinct raw customer row: parsed, with the reason it cannot be used (null if usable)
{{ resolve_key_conflicts('customers', ['customer_id']) }}
