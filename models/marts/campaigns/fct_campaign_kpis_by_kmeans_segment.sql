-- one row per campaign and recipients' k-means segment_name: the fct_campaign_kpis counts and rates
{{ campaign_kpis_by_segment('customer_segments', 'segment_name') }}
