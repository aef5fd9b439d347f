-- one row per distinct raw list event: parsed, with the reason it cannot be used (null if usable)
{{ resolve_key_conflicts('subscriptions', ['subscription_event_id']) }}
