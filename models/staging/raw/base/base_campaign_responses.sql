-- one row per distinct raw campaign response: parsed, with the reason it cannot be used
{{ resolve_key_conflicts('base_campaign_responses_checked', ['customer_id', 'campaign']) }}
