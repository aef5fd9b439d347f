{#-
  Campaign KPI and A/B test helpers (models/marts/campaigns). Standard SQL only: exp, sqrt, ln,
  abs and sign exist on every adapter the project targets, so nothing here needs dispatch
  (type_double and safe_ratio are in macros/cross_db.sql).
-#}

{#-
  The per-recipient counts of a campaign KPI row, summed from int_campaign_recipients columns.
  Used by fct_campaign_kpis and its segment breakdowns so that they agree by construction.
-#}
{% macro campaign_kpi_counts() -%}
    {%- set flags = [
        ('sent', 'true'),
        ('delivered', 'is_delivered'),
        ('bounced', 'is_bounced'),
        ('hard_bounces', 'is_hard_bounce'),
        ('soft_bounces', 'is_soft_bounce'),
        ('unique_opens', 'has_opened'),
        ('machine_opens', 'has_machine_opened_only'),
        ('unique_clicks', 'has_clicked'),
        ('conversions', 'has_converted'),
        ('unsubscribes', 'has_unsubscribed'),
        ('complaints', 'has_complained'),
        ('forwards', 'has_forwarded'),
    ] -%}
    {%- for name, flag in flags %}
    cast(sum(case when {{ flag }} then 1 else 0 end) as {{ dbt.type_bigint() }}) as {{ name }},
    {%- endfor %}
    {{ sum_money('credited_revenue') }} as revenue
{%- endmacro %}


{#- The rates of a KPI row, from the columns campaign_kpi_counts() makes plus `cost`. -#}
{% macro campaign_kpi_rates() -%}
    {{ safe_ratio('bounced', 'sent') }} as bounce_rate,
    {{ safe_ratio('unique_opens', 'delivered') }} as open_rate,
    {{ safe_ratio('unique_opens + machine_opens', 'delivered') }} as open_rate_including_machine_opens,
    {{ safe_ratio('unique_clicks', 'delivered') }} as click_through_rate,
    {{ safe_ratio('unique_clicks', 'unique_opens') }} as click_to_open_rate,
    {{ safe_ratio('conversions', 'delivered') }} as conversion_rate,
    {{ safe_ratio('unsubscribes', 'delivered') }} as unsubscribe_rate,
    {{ safe_ratio('forwards', 'delivered') }} as forward_rate,
    {{ safe_ratio('complaints', 'delivered') }} as complaint_rate,
    {{ safe_ratio('revenue - cost', 'cost') }} as roi,
    {{ safe_ratio('revenue', 'delivered') }} as revenue_per_recipient
{%- endmacro %}


{#-
  Standard normal tail 2 (1 - Phi(|z|)) = erfc(|z| / sqrt 2), with erfc from Abramowitz and Stegun
  7.1.26 (|error| < 1.5e-7): erfc(x) = (a1 t + a2 t^2 + ... + a5 t^5) exp(-x^2), t = 1/(1 + p x).
  Computed directly, not as 1 - Phi, so that small p-values keep their digits.
-#}
{% macro normal_two_sided_p(z) -%}
    {%- set x = "(abs(" ~ z ~ ") / sqrt(2.0))" -%}
    {%- set t = "(1.0 / (1.0 + 0.3275911 * " ~ x ~ "))" -%}
    (
        {{ t }} * (0.254829592 + {{ t }} * (-0.284496736 + {{ t }} * (1.421413741
        + {{ t }} * (-1.453152027 + {{ t }} * 1.061405429))))
    ) * exp(-{{ x }} * {{ x }})
{%- endmacro %}


{#- Standard normal CDF Phi(z), from the tail above: Phi(z) = 1 - tail / 2 for z >= 0, else tail / 2. -#}
{% macro normal_cdf(z) -%}
    (case
        when ({{ z }}) >= 0 then 1.0 - 0.5 * {{ normal_two_sided_p(z) }}
        else 0.5 * {{ normal_two_sided_p(z) }}
    end)
{%- endmacro %}


{#-
  The standard normal quantile Phi^-1(1 - alpha / 2) of the var ab_alpha, as a constant. Only the
  usual levels are tabulated; any other value stops the build with a message.
-#}
{% macro two_sided_z_critical() -%}
    {%- set alpha = required_var('ab_alpha') -%}
    {%- set table = {
        0.001: 3.2905267314919255,
        0.01: 2.5758293035489004,
        0.05: 1.959963984540054,
        0.1: 1.6448536269514722,
    } -%}
    {#- a wrong value is reported by check_vars, with every other wrong var, before any model -#}
    {%- if alpha not in table -%}
        {%- if not execute -%}
            {{ return(table[0.05]) }}
        {%- endif -%}
        {{ exceptions.raise_compiler_error(
            var_problem('ab_alpha', alpha, 'choice', var_rules()['ab_alpha'][1])
        ) }}
    {%- endif -%}
    {{ return(table[alpha]) }}
{%- endmacro %}


{#- Phi^-1(0.8): the z that gives 80 % power, for the minimum detectable effect. -#}
{% macro z_power_80() -%}
    {{ return(0.8416212335729143) }}
{%- endmacro %}


{#-
  The body of a fct_campaign_kpis_by_<segmentation> model: the campaign KPIs over the recipients
  of each segment of `segments_model` (one row per customer, segment in `segment_column`).
  Recipients without a segment fall under 'Unknown'; the campaign's cost is shared out in
  proportion to the segment's recipients, so a campaign's rows add up to fct_campaign_kpis.
-#}
{% macro campaign_kpis_by_segment(segments_model, segment_column) %}
with

campaigns as (
    select * from {{ ref('stg_campaigns') }}
),

recipients as (
    select * from {{ ref('int_campaign_recipients') }}
),

segments as (
    select * from {{ ref(segments_model) }}
),

segmented_recipients as (
    select
        recipients.*,
        coalesce(segments.{{ segment_column }}, 'Unknown') as {{ segment_column }}
    from recipients
    left join segments
        on recipients.customer_id = segments.customer_id
),

segment_counts as (
    select
        campaign_id,
        {{ segment_column }},
        {{ campaign_kpi_counts() }}
    from segmented_recipients
    group by
        campaign_id,
        {{ segment_column }}
),

counted as (
    select
        segment_counts.campaign_id,
        segment_counts.{{ segment_column }},
        campaigns.campaign_name,
        campaigns.sent_at,
        campaigns.experiment_id,
        campaigns.variant,
        segment_counts.sent,
        segment_counts.delivered,
        segment_counts.bounced,
        segment_counts.hard_bounces,
        segment_counts.soft_bounces,
        segment_counts.unique_opens,
        segment_counts.machine_opens,
        segment_counts.unique_clicks,
        segment_counts.conversions,
        segment_counts.unsubscribes,
        segment_counts.complaints,
        segment_counts.forwards,
        segment_counts.revenue,
        campaigns.cost * segment_counts.sent
        / sum(segment_counts.sent) over (partition by segment_counts.campaign_id) as cost
    from segment_counts
    inner join campaigns
        on segment_counts.campaign_id = campaigns.campaign_id
),

rated as (
    select
        *,
        {{ campaign_kpi_rates() }}
    from counted
)

select * from rated
{% endmacro %}
