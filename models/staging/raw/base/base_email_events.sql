-- one row per distinct raw email event: parsed, with the reason it cannot be used (null if usable)
{{ resolve_key_conflicts('email_events', ['event_id']) }}
