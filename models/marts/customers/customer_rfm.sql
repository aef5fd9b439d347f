-- one row per customer in dim_customers: recency, frequency, monetary value, 1-5 scores, segment
with

customers as (
    select * from {{ ref('dim_customers') }}
),

orders as (
    select * from {{ ref('int_orders_totalled') }}
),

segment_map as (
    select * from {{ ref('rfm_segment_map') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

order_totals as (
    -- orders after the as-of date do not exist yet from its point of view; one placed on it
    -- counts, with recency 0
    select
        orders.customer_id,
        as_of.as_of_date,
        max(orders.ordered_on) as last_order_date,
        -- one row per order in int_orders_totalled (order_id is unique there)
        count(*) as frequency,
        {{ sum_money('orders.order_amount') }} as monetary
    from orders
    cross join as_of
    where
        orders.is_revenue_order
        and orders.ordered_on <= as_of.as_of_date
    group by
        orders.customer_id,
        as_of.as_of_date
),

order_recency as (
    select
        *,
        {{ dbt.datediff('last_order_date', 'as_of_date', 'day') }}
            as recency_days
    from order_totals
),

measured as (
    select
        customers.customer_id,
        customers.source_customer_id,
        order_recency.last_order_date,
        order_recency.recency_days,
        as_of.as_of_date,
        coalesce(order_recency.frequency, 0) as frequency,
        coalesce(order_recency.monetary, 0) as monetary,
        order_recency.customer_id is not null as has_orders
    from customers
    cross join as_of
    left join order_recency
        on customers.customer_id = order_recency.customer_id
),

-- cut points: the 20, 40, 60 and 80% quantiles of each measure over customers with orders
cut_points as (
    select
        {{ rfm_cut_points('recency_days') }},
        {{ rfm_cut_points('frequency') }},
        {{ rfm_cut_points('monetary') }}
    from measured
    where has_orders
),

-- a score is 1 + the cut points strictly below the value (for recency strictly above: fewer
-- days is better), so equal values get equal scores, a better value never a lower one, and
-- scores skip numbers under heavy ties (where most bought once, one-time buyers get F 1)
scored as (
    select
        measured.*,
        {{ rfm_score('measured.recency_days', 'cut_points.recency_days', '<') }} as r_score,
        {{ rfm_score('measured.frequency', 'cut_points.frequency', '>') }} as f_score,
        {{ rfm_score('measured.monetary', 'cut_points.monetary', '>') }} as m_score
    from measured
    cross join cut_points
    where measured.has_orders
),

unscored as (
    select
        *,
        cast(null as integer) as r_score,
        cast(null as integer) as f_score,
        cast(null as integer) as m_score
    from measured
    where not has_orders
),

all_customers as (
    select * from scored
    union all
    select * from unscored
),

-- the segment depends only on the scores: match the few distinct score cells, not each customer
score_cells as (
    select distinct
        has_orders,
        r_score,
        f_score,
        m_score
    from all_customers
),

segment_matches as (
    select
        score_cells.has_orders,
        score_cells.r_score,
        score_cells.f_score,
        score_cells.m_score,
        segment_map.rfm_segment,
        segment_map.rfm_group,
        row_number() over (
            partition by
                score_cells.has_orders,
                score_cells.r_score,
                score_cells.f_score,
                score_cells.m_score
            order by segment_map.precedence
        ) as match_rank
    from score_cells
    inner join segment_map
        on (
            score_cells.has_orders
            and score_cells.r_score between segment_map.r_min and segment_map.r_max
            and score_cells.f_score between segment_map.f_min and segment_map.f_max
            and score_cells.m_score between segment_map.m_min and segment_map.m_max
        )
        or (not score_cells.has_orders and segment_map.r_min is null)
),

segmented as (
    select
        all_customers.customer_id,
        all_customers.source_customer_id,
        all_customers.as_of_date,
        all_customers.last_order_date,
        all_customers.recency_days,
        all_customers.frequency,
        all_customers.monetary,
        cast(all_customers.r_score as {{ dbt.type_int() }}) as r_score,
        cast(all_customers.f_score as {{ dbt.type_int() }}) as f_score,
        cast(all_customers.m_score as {{ dbt.type_int() }}) as m_score,
        {{ dbt.concat([
            dbt.cast('all_customers.r_score', dbt.type_string()),
            dbt.cast('all_customers.f_score', dbt.type_string()),
            dbt.cast('all_customers.m_score', dbt.type_string()),
        ]) }} as rfm_cell,
        segment_matches.rfm_segment,
        segment_matches.rfm_group
    from all_customers
    left join segment_matches
        on all_customers.has_orders = segment_matches.has_orders
            and all_customers.r_score is not distinct from segment_matches.r_score
            and all_customers.f_score is not distinct from segment_matches.f_score
            and all_customers.m_score is not distinct from segment_matches.m_score
            and segment_matches.match_rank = 1
)

select * from segmented
