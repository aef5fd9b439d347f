{#-
  The CTEs that mine association rules, Apriori-style, from a CTE named `baskets` with one row per
  (order_id, item) that the calling model defines; the last CTE is `kept`. Items below var
  basket_min_support are dropped before pairing, then pairs below it; each frequent pair gives a
  rule in both directions. With var basket_max_antecedent_items at 2, triples are counted only
  for candidates whose three pairs are all frequent, and each frequent triple gives the three
  rules {a, b} -> c. Rules are kept when confidence and lift reach vars basket_min_confidence and
  basket_min_lift. item_type is the SQL type of `item` (the one-item rules' null antecedent_2).
  basket_orders, when given, names a CTE with one row per basket: the number of baskets is its
  row count rather than a distinct over every (order_id, item) row, which was a third of the
  pair counting at 1M customers.
  Used by basket_rules (products), category_basket_rules (categories) and
  int_recommendation_training_rules (products, training orders).
-#}
{% macro association_rule_ctes(item_type, basket_orders=none) %}
{%- set max_antecedent_items = required_var('basket_max_antecedent_items') -%}
{#- a wrong value is reported by check_vars, with every other wrong var, before any model -#}
{%- if max_antecedent_items not in (1, 2) and execute -%}
    {{ exceptions.raise_compiler_error(var_problem(
        'basket_max_antecedent_items', max_antecedent_items, 'choice',
        var_rules()['basket_max_antecedent_items'][1]
    )) }}
{%- endif -%}
basket_count as (
{%- if basket_orders %}
    select count(*) as total_orders
    from {{ basket_orders }}
{%- else %}
    select count(distinct order_id) as total_orders
    from baskets
{%- endif %}
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
pair_rules as (
    select
        frequent_pairs.item_a as antecedent,
        cast(null as {{ item_type }}) as antecedent_2,
        frequent_pairs.item_b as consequent,
        frequent_pairs.pair_orders as rule_orders,
        antecedents.item_orders as antecedent_orders
    from frequent_pairs
    inner join frequent_items as antecedents
        on frequent_pairs.item_a = antecedents.item
    union all
    select
        frequent_pairs.item_b as antecedent,
        cast(null as {{ item_type }}) as antecedent_2,
        frequent_pairs.item_a as consequent,
        frequent_pairs.pair_orders as rule_orders,
        antecedents.item_orders as antecedent_orders
    from frequent_pairs
    inner join frequent_items as antecedents
        on frequent_pairs.item_b = antecedents.item
),
{%- if max_antecedent_items == 2 %}

-- Apriori pruning: a triple a < b < c can only be frequent when all three of its pairs are
candidate_triples as (
    select
        pair_ab.item_a,
        pair_ab.item_b,
        pair_ac.item_b as item_c
    from frequent_pairs as pair_ab
    inner join frequent_pairs as pair_ac
        on
            pair_ab.item_a = pair_ac.item_a
            and pair_ab.item_b < pair_ac.item_b
    inner join frequent_pairs as pair_bc
        on
            pair_ab.item_b = pair_bc.item_a
            and pair_ac.item_b = pair_bc.item_b
),

triple_orders as (
    select
        candidate_triples.item_a,
        candidate_triples.item_b,
        candidate_triples.item_c,
        count(*) as triple_orders
    from candidate_triples
    inner join frequent_baskets as basket_a
        on candidate_triples.item_a = basket_a.item
    inner join frequent_baskets as basket_b
        on
            basket_a.order_id = basket_b.order_id
            and candidate_triples.item_b = basket_b.item
    inner join frequent_baskets as basket_c
        on
            basket_a.order_id = basket_c.order_id
            and candidate_triples.item_c = basket_c.item
    group by
        candidate_triples.item_a,
        candidate_triples.item_b,
        candidate_triples.item_c
),

frequent_triples as (
    select triple_orders.*
    from triple_orders
    cross join basket_count
    where
        triple_orders.triple_orders
        >= {{ required_var('basket_min_support') }} * basket_count.total_orders
),

-- each frequent triple a < b < c gives three rules, one per consequent; its antecedent pair
-- (antecedent < antecedent_2) is frequent by construction
triple_rules as (
    {%- for first, second, consequent in [('a', 'b', 'c'), ('a', 'c', 'b'), ('b', 'c', 'a')] %}
        select
            frequent_triples.item_{{ first }} as antecedent,
            frequent_triples.item_{{ second }} as antecedent_2,
            frequent_triples.item_{{ consequent }} as consequent,
            frequent_triples.triple_orders as rule_orders,
            antecedents.pair_orders as antecedent_orders
        from frequent_triples
        inner join frequent_pairs as antecedents
            on
                frequent_triples.item_{{ first }} = antecedents.item_a
                and frequent_triples.item_{{ second }} = antecedents.item_b
        {{ "union all" if not loop.last }}
    {%- endfor %}
),
{%- endif %}

rules as (
    select * from pair_rules
{%- if max_antecedent_items == 2 %}
    union all
    select * from triple_rules
{%- endif %}
),

measured as (
    select
        rules.antecedent,
        rules.antecedent_2,
        rules.consequent,
        rules.rule_orders as pair_orders,
        rules.antecedent_orders,
        consequents.item_orders as consequent_orders,
        basket_count.total_orders,
        cast(rules.rule_orders as {{ type_double() }}) / basket_count.total_orders as support,
        cast(rules.antecedent_orders as {{ type_double() }}) / basket_count.total_orders
            as antecedent_support,
        cast(consequents.item_orders as {{ type_double() }}) / basket_count.total_orders
            as consequent_support,
        cast(rules.rule_orders as {{ type_double() }}) / rules.antecedent_orders as confidence
    from rules
    cross join basket_count
    inner join frequent_items as consequents
        on rules.consequent = consequents.item
),

scored as (
    select
        antecedent,
        antecedent_2,
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
