-- one row per distinct raw order line: parsed, with the reason it cannot be used (null if usable)
{{ resolve_key_conflicts('order_items', ['order_id', 'product_id']) }}
