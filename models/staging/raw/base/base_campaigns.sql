-- one row per distinct raw campaign row: parsed, with the reason it cannot be used (null if usable)
{{ resolve_key_conflicts('campaigns', ['campaign_id']) }}
