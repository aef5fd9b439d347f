-- one row per customer with any list or email-consent event: whether they are unsubscribed now
with

subscriptions as (
    select * from {{ ref('stg_subscriptions') }}
),

email_events as (
    select * from {{ ref('stg_email_events') }}
),

consent_events as (
    select
        customer_id,
        event_type,
        event_at
    from subscriptions
    union all
    select
        customer_id,
        event_type,
        event_at
    from email_events
    where event_type in ('unsubscribe', 'complaint')
),

ranked as (
    select
        customer_id,
        event_type,
        event_at,
        -- on a tie the withdrawal wins: consent must be unambiguous
        row_number() over (
            partition by customer_id
            order by event_at desc, case when event_type = 'subscribe' then 1 else 0 end
        ) as recency_rank
    from consent_events
),

latest as (
    select
        customer_id,
        event_type as latest_consent_event,
        event_at as latest_consent_event_at,
        event_type in ('unsubscribe', 'complaint') as is_unsubscribed
    from ranked
    where recency_rank = 1
)

select * from latest
