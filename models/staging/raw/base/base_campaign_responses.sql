-- one row per distinct raw campaign response: parsed, with the reason it cannot be used
{{ resolve_key_conflicts('campaign_responses', ['customer_id', 'campaign']) }}
