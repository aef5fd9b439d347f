-- one row per month and rfm_segment of the visitor (anonymous sessions apart): sessions, depth, bounces
with

web_sessions as (
    select * from {{ ref('stg_web_sessions') }}
),

customer_rfm as (
    select * from {{ ref('customer_rfm') }}
),

segmented_sessions as (
    select
        web_sessions.session_id,
        web_sessions.pages_viewed,
        cast({{ dbt.date_trunc('month', 'web_sessions.started_at') }} as date) as month_start,
        case
            when web_sessions.customer_id is null then 'Anonymous'
            else coalesce(customer_rfm.rfm_segment, 'Unknown')
        end as rfm_segment
    from web_sessions
    left join customer_rfm
        on web_sessions.customer_id = customer_rfm.customer_id
),

monthly as (
    select
        month_start,
        rfm_segment,
        count(*) as sessions,
        count(case when pages_viewed = 1 then session_id end) as single_page_sessions,
        cast(sum(pages_viewed) as {{ dbt.type_bigint() }}) as pages_viewed
    from segmented_sessions
    group by
        month_start,
        rfm_segment
),

rated as (
    select
        *,
        {{ safe_ratio('pages_viewed', 'sessions') }} as pages_per_session,
        {{ safe_ratio('single_page_sessions', 'sessions') }} as web_bounce_rate
    from monthly
)

select * from rated
