-- one row per distinct raw web session: parsed, with the reason it cannot be used (null if usable)
{{ resolve_key_conflicts('web_sessions', ['session_id']) }}
