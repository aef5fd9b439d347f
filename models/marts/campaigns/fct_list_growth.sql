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

-- membership changes only in a month with a list event, so one row per customer and such month
-- suffices: the month's latest event (on a tie the withdrawal wins) is the status at its end
month_latest_events as (
    select
        customer_id,
        event_type,
        cast({{ dbt.date_trunc('month', 'event_at') }} as date) as month_start,
        row_number() over (
            partition by customer_id, {{ dbt.date_trunc('month', 'event_at') }}
            order by
                event_at desc,
                case when event_type = 'subscribe' then 1 else 0 end asc,
                subscription_event_id desc
        ) as event_rank
    from subscriptions
),

-- on the list at a month's start = on it at the end of the customer's previous event month
status_changes as (
    select
        month_start,
        customer_id,
        event_type as status_at_month_end,
        event_type = 'subscribe' as is_member_at_end,
        coalesce(
            lag(event_type = 'subscribe') over (partition by customer_id order by month_start),
            false
        ) as is_member_at_start
    from month_latest_events
    where event_rank = 1
),

monthly_flows as (
    select
        month_start,
        count(case when not is_member_at_start and is_member_at_end then customer_id end)
            as new_subscribers,
        count(case when is_member_at_start and status_at_month_end = 'unsubscribe' then customer_id end)
            as unsubscribes,
        count(case when is_member_at_start and status_at_month_end = 'complaint' then customer_id end)
            as complaints,
        sum(case
            when is_member_at_end and not is_member_at_start then 1
            when is_member_at_start and not is_member_at_end then -1
            else 0
        end) as net_change
    from status_changes
    group by month_start
),

-- the list size at a month's end is the running sum of the net changes so far
list_sizes as (
    select
        months.month_start,
        coalesce(monthly_flows.new_subscribers, 0) as new_subscribers,
        coalesce(monthly_flows.unsubscribes, 0) as unsubscribes,
        coalesce(monthly_flows.complaints, 0) as complaints,
        coalesce(monthly_flows.net_change, 0) as net_change,
        sum(coalesce(monthly_flows.net_change, 0)) over (
            order by months.month_start rows between unbounded preceding and current row
        ) as list_size_end
    from months
    left join monthly_flows
        on months.month_start = monthly_flows.month_start
),

growth as (
    select
        month_start,
        new_subscribers,
        unsubscribes,
        complaints,
        cast(list_size_end - net_change as {{ dbt.type_bigint() }}) as list_size_start,
        cast(list_size_end as {{ dbt.type_bigint() }}) as list_size_end,
        {{ safe_ratio('new_subscribers - unsubscribes - complaints', 'list_size_end - net_change') }}
            as list_growth_rate
    from list_sizes
)

select * from growth
