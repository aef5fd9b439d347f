-- one row per segment: name, size, revenue, preferred channel and top categories
{% set categories = required_var('spend_categories') %}
{% set channels = required_var('order_channels') %}

with

customers as (
    select * from {{ ref('dim_customers') }}
),

assignments as (
    select * from {{ ref('int_customer_segment_assignments') }}
),

segment_names as (
    select * from {{ ref('segment_names') }}
),

model_version as (
    select * from {{ ref('int_segmentation_model_version') }}
),

segment_totals as (
    select
        assignments.segment_id,
        count(*) as customers,
        {{ sum_money('customers.total_spend') }} as revenue,
        {%- for channel in channels %}
            sum(customers.orders_{{ channel }}) as orders_{{ channel }},
        {%- endfor %}
    {%- for category in categories %}
        {{ sum_money('customers.spend_' ~ category) }} as spend_{{ category }}
        {{- "," if not loop.last }}
    {%- endfor %}
    from assignments
    inner join customers
        on assignments.customer_id = customers.customer_id
    group by assignments.segment_id
),

channel_orders as (
    select
        segment_id,
        orders,
        replace(channel_column, 'orders_', '') as channel
    from segment_totals
    unpivot (
        orders for channel_column in (
            {%- for channel in channels %}
                orders_{{ channel }}{{ "," if not loop.last }}
            {%- endfor %}
        )
    )
),

-- most orders wins; a tie goes to the channel first in alphabetical order
preferred_channels as (
    select
        segment_id,
        channel as preferred_channel,
        row_number() over (partition by segment_id order by orders desc, channel asc) as channel_rank
    from channel_orders
    where orders > 0
),

category_spend as (
    select
        segment_id,
        spend,
        replace(category_column, 'spend_', '') as category
    from segment_totals
    unpivot (
        spend for category_column in (
            {%- for category in categories %}
                spend_{{ category }}{{ "," if not loop.last }}
            {%- endfor %}
        )
    )
),

-- most spend wins; a tie goes to the category first in alphabetical order
top_categories as (
    select
        segment_id,
        category as top_category,
        row_number() over (partition by segment_id order by spend desc, category asc) as category_rank
    from category_spend
    where spend > 0
),

top_category_lists as (
    select
        segment_id,
        {{ dbt.listagg('top_category', "', '", 'order by category_rank') }} as top_categories
    from top_categories
    where category_rank <= 3
    group by segment_id
),

-- every named segment gets a row, even one no customer is nearest to
summarised as (
    select
        segment_names.segment_id,
        segment_names.segment_name,
        segment_names.description as segment_description,
        segment_names.naming_index,
        preferred_channels.preferred_channel,
        top_categories.top_category,
        top_category_lists.top_categories,
        model_version.model_version,
        -- typed: when no rule names any segment, the Python model writes an all-null column
        cast(segment_names.naming_feature as {{ dbt.type_string() }}) as naming_feature,
        coalesce(segment_totals.customers, 0) as customers,
        coalesce(segment_totals.customers, 0) / sum(coalesce(segment_totals.customers, 0)) over ()
            as customer_share,
        coalesce(segment_totals.revenue, 0) as revenue,
        coalesce(segment_totals.revenue, 0)
        / nullif(sum(coalesce(segment_totals.revenue, 0)) over (), 0) as revenue_share
    from segment_names
    cross join model_version
    left join segment_totals
        on segment_names.segment_id = segment_totals.segment_id
    left join preferred_channels
        on
            segment_names.segment_id = preferred_channels.segment_id
            and preferred_channels.channel_rank = 1
    left join top_categories
        on
            segment_names.segment_id = top_categories.segment_id
            and top_categories.category_rank = 1
    left join top_category_lists
        on segment_names.segment_id = top_category_lists.segment_id
)

select * from summarised
