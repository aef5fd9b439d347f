-- one row per distinct raw web session: parsed, with the reason it cannot be used (null if usable)
{{ resolve_key_conflicts('base_web_sessions_checked', ['session_id']) }}
