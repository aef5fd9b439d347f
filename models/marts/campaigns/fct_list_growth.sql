-- one row per month: mailing-list joins and losses, list size at the start and end, growth rate
with

subscriptions as (
    select * from {{ ref('stg_subscriptions') }}
),

event_range as (
    select
        min(event_at) as first_event_at,
        max(event_at) as last_event_at
    from subscriptions
),

months as (
    {{ month_starts('(select first_event_at from event_range)', '(select last_event_at from event_range)') }}
),

month_bounds as (
    select
        month_start,
        {{ dbt.dateadd('month', 1, 'month_start') }} as next_month_start
    from months
),

-- each customer's latest list event before the end of each month; on a tie the withdrawal wins
latest_events as (
    select
        month_bounds.month_start,
        subscriptions.customer_id,
        subscriptions.event_type,
        row_number() over (
            partition by month_bounds.month_start, subscriptions.customer_id
            order by
                subscriptions.event_at desc,
                case when subscriptions.event_type = 'subscribe' then 1 else 0 end asc,
                subscriptions.subscription_event_id desc
        ) as event_rank
    from month_bounds
    inner join subscriptions
        on month_bounds.next_month_start > subscriptions.event_at
),

month_end_status as (
    select
        month_start,
        customer_id,
        event_type as status_at_month_end,
        event_type = 'subscribe' as is_member_at_end
    from latest_events
    where event_rank = 1
),

status_changes as (
    select
        *,
        coalesce(
            lag(is_member_at_end) over (partition by customer_id order by month_start),
            false
        ) as is_member_at_start
    from month_end_status
),

monthly_counts as (
    select
        month_start,
        count(case when is_member_at_start then customer_id end) as list_size_start,
        count(case when is_member_at_end then customer_id end) as list_size_end,
        count(case when not is_member_at_start and is_member_at_end then customer_id end)
            as new_subscribers,
        count(case when is_member_at_start and status_at_month_end = 'unsubscribe' then customer_id end)
            as unsubscribes,
        count(case when is_member_at_start and status_at_month_end = 'complaint' then customer_id end)
            as complaints
    from status_changes
    group by month_start
),

growth as (
    select
        month_bounds.month_start,
        coalesce(monthly_counts.new_subscribers, 0) as new_subscribers,
        coalesce(monthly_counts.unsubscribes, 0) as unsubscribes,
        coalesce(monthly_counts.complaints, 0) as complaints,
        coalesce(monthly_counts.list_size_start, 0) as list_size_start,
        coalesce(monthly_counts.list_size_end, 0) as list_size_end,
        {{ safe_ratio(
            'coalesce(monthly_counts.new_subscribers, 0) - coalesce(monthly_counts.unsubscribes, 0)'
            ~ ' - coalesce(monthly_counts.complaints, 0)',
            'monthly_counts.list_size_start'
        ) }} as list_growth_rate
    from month_bounds
    left join monthly_counts
        on month_bounds.month_start = monthly_counts.month_start
)

select * from growth
