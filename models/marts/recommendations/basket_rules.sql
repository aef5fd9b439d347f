-- one row per product rule antecedent -> consequent: support, confidence, lift and the counts behind
-- them. Apriori-style: only products above the minimum support are paired, so the self-join stays
-- bounded by the frequent products per order rather than all products.
with

order_items as (
    select * from {{ ref('stg_order_items') }}
),

baskets as (
    select distinct
        order_id,
        product_id
    from order_items
),

basket_count as (
    select count(distinct order_id) as total_orders
    from baskets
),

product_orders as (
    select
        product_id,
        count(*) as product_orders
    from baskets
    group by product_id
),

frequent_products as (
    select product_orders.*
    from product_orders
    cross join basket_count
    where
        product_orders.product_orders
        >= {{ required_var('basket_min_support') }} * basket_count.total_orders
),

frequent_baskets as (
    select baskets.*
    from baskets
    inner join frequent_products
        on baskets.product_id = frequent_products.product_id
),

pair_orders as (
    select
        first_item.product_id as product_a,
        second_item.product_id as product_b,
        count(*) as pair_orders
    from frequent_baskets as first_item
    inner join frequent_baskets as second_item
        on
            first_item.order_id = second_item.order_id
            and first_item.product_id < second_item.product_id
    group by
        first_item.product_id,
        second_item.product_id
),

frequent_pairs as (
    select pair_orders.*
    from pair_orders
    cross join basket_count
    where pair_orders.pair_orders >= {{ required_var('basket_min_support') }} * basket_count.total_orders
),

-- each frequent pair gives a rule in both directions
directed as (
    select
        product_a as antecedent,
        product_b as consequent,
        pair_orders
    from frequent_pairs
    union all
    select
        product_b as antecedent,
        product_a as consequent,
        pair_orders
    from frequent_pairs
),

measured as (
    select
        directed.antecedent,
        directed.consequent,
        directed.pair_orders,
        antecedents.product_orders as antecedent_orders,
        consequents.product_orders as consequent_orders,
        basket_count.total_orders,
        cast(directed.pair_orders as {{ type_double() }}) / basket_count.total_orders as support,
        cast(antecedents.product_orders as {{ type_double() }}) / basket_count.total_orders
            as antecedent_support,
        cast(consequents.product_orders as {{ type_double() }}) / basket_count.total_orders
            as consequent_support,
        cast(directed.pair_orders as {{ type_double() }}) / antecedents.product_orders as confidence
    from directed
    cross join basket_count
    inner join frequent_products as antecedents
        on directed.antecedent = antecedents.product_id
    inner join frequent_products as consequents
        on directed.consequent = consequents.product_id
),

scored as (
    select
        antecedent,
        consequent,
        support,
        confidence,
        confidence / consequent_support as lift,
        support - antecedent_support * consequent_support as leverage,
        -- conviction is infinite for a rule that always holds: null rather than a division by zero
        {{ safe_ratio('1 - consequent_support', '1 - confidence') }} as conviction,
        antecedent_support,
        consequent_support,
        pair_orders,
        antecedent_orders,
        consequent_orders,
        total_orders
    from measured
),

kept as (
    select *
    from scored
    where
        confidence >= {{ required_var('basket_min_confidence') }}
        and lift >= {{ required_var('basket_min_lift') }}
)

select * from kept
