-- one row per distinct raw order row: parsed, with the reason it cannot be used (null if usable)
{{ resolve_key_conflicts('orders', ['order_id']) }}
