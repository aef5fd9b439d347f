-- one row per distinct raw product row: parsed, with the reason it cannot be used (null if usable)
{{ resolve_key_conflicts('products', ['product_id']) }}
