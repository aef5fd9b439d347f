{#-
  The CTEs that mine association rules, Apriori-style, from a CTE named `baskets` with one row per
  (order_id, item) that the calling model defines; the last CTE is `kept`. Items below var basket_min_support are dropped before pairing, then
  pairs below it; each frequent pair gives a rule in both directions, kept when confidence and lift
  reach vars basket_min_confidence and basket_min_lift. Used by basket_rules (products) and
  category_basket_rules (categories).
-#}
{% macro association_rule_ctes() %}
basket_count as (
    select count(distinct order_id) as total_orders
    from baskets
),

item_orders as (
    select
        item,
        count(*) as item_orders
    from baskets
    group by item
),

frequent_items as (
    select item_orders.*
    from item_orders
    cross join basket_count
    where
        item_orders.item_orders
        >= {{ required_var('basket_min_support') }} * basket_count.total_orders
),

frequent_baskets as (
    select baskets.*
    from baskets
    inner join frequent_items
        on baskets.item = frequent_items.item
),

pair_orders as (
    select
        first_item.item as item_a,
        second_item.item as item_b,
        count(*) as pair_orders
    from frequent_baskets as first_item
    inner join frequent_baskets as second_item
        on
            first_item.order_id = second_item.order_id
            and first_item.item < second_item.item
    group by
        first_item.item,
        second_item.item
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
        item_a as antecedent,
        item_b as consequent,
        pair_orders
    from frequent_pairs
    union all
    select
        item_b as antecedent,
        item_a as consequent,
        pair_orders
    from frequent_pairs
),

measured as (
    select
        directed.antecedent,
        directed.consequent,
        directed.pair_orders,
        antecedents.item_orders as antecedent_orders,
        consequents.item_orders as consequent_orders,
        basket_count.total_orders,
        cast(directed.pair_orders as {{ type_double() }}) / basket_count.total_orders as support,
        cast(antecedents.item_orders as {{ type_double() }}) / basket_count.total_orders
            as antecedent_support,
        cast(consequents.item_orders as {{ type_double() }}) / basket_count.total_orders
            as consequent_support,
        cast(directed.pair_orders as {{ type_double() }}) / antecedents.item_orders as confidence
    from directed
    cross join basket_count
    inner join frequent_items as antecedents
        on directed.antecedent = antecedents.item
    inner join frequent_items as consequents
        on directed.consequent = consequents.item
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
{% endmacro %}
