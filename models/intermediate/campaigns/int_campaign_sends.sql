-- one row per campaign and recipient (a `sent` email event): send time, delivery and engagement flags
with

email_events as (
    select * from {{ ref('stg_email_events') }}
),

recipient_events as (
    select
        campaign_id,
        customer_id,
        min(case when event_type = 'sent' then event_at end) as sent_at,
        max(case when event_type = 'hard_bounce' then 1 else 0 end) as hard_bounce_flag,
        max(case when event_type = 'soft_bounce' then 1 else 0 end) as soft_bounce_flag,
        max(case when event_type = 'open' and not is_machine_open then 1 else 0 end) as open_flag,
        max(case when event_type = 'open' and is_machine_open then 1 else 0 end) as machine_open_flag,
        max(case when event_type = 'click' and link_type = 'content' then 1 else 0 end) as click_flag,
        max(case when event_type = 'click' then 1 else 0 end) as any_click_flag,
        max(case when event_type = 'unsubscribe' then 1 else 0 end) as unsubscribe_flag,
        max(case when event_type = 'complaint' then 1 else 0 end) as complaint_flag,
        max(case when event_type = 'forward' then 1 else 0 end) as forward_flag
    from email_events
    group by
        campaign_id,
        customer_id
),

flagged as (
    select
        campaign_id,
        customer_id,
        sent_at,
        hard_bounce_flag = 1 or soft_bounce_flag = 1 as is_bounced,
        hard_bounce_flag = 1 as is_hard_bounce,
        hard_bounce_flag = 0 and soft_bounce_flag = 1 as is_soft_bounce,
        hard_bounce_flag = 0 and soft_bounce_flag = 0 as is_delivered,
        -- a click is a person: a recipient who clicked any link opened the email, whatever
        -- the open events say
        open_flag = 1 or (machine_open_flag = 1 and any_click_flag = 1) as has_opened,
        machine_open_flag = 1 and open_flag = 0 and any_click_flag = 0 as has_machine_opened_only,
        click_flag = 1 as has_clicked,
        unsubscribe_flag = 1 as has_unsubscribed,
        complaint_flag = 1 as has_complained,
        forward_flag = 1 as has_forwarded
    from recipient_events
    -- events without a `sent` row for the same campaign and customer are not a send
    where sent_at is not null
)

select * from flagged
