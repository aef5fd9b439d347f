-- one row per campaign and recipients' current rfm_segment: the fct_campaign_kpis counts and rates
{{ campaign_kpis_by_segment('customer_rfm', 'rfm_segment') }}
