-- one row per distinct raw order row: parsed, with the reason it cannot be used (null if usable)
{{ resolve_key_conflicts('base_orders_checked', ['order_id']) }}
