{#-
  Shared by the served recommendations and their hold-out evaluation, so that the evaluation
  scores exactly the model that is served, trained on other inputs.
-#}

{#-
  Segment-product affinity from CTEs `customer_products` (customer_id, product_id) and `segments`
  (customer_id, segment_id, one row per customer); the last CTE is `affinity`, one row per segment
  and product its customers bought. Used by int_segment_product_affinity (all revenue orders) and
  int_recommendation_training_affinity (orders before the hold-out cutoff).
-#}
{% macro segment_product_affinity_ctes() %}
segment_sizes as (
    select
        segment_id,
        count(*) as segment_customers
    from segments
    group by segment_id
),

customer_count as (
    select count(*) as customers
    from segments
),

population_buyers as (
    select
        product_id,
        count(*) as population_buyers
    from customer_products
    group by product_id
),

segment_buyers as (
    select
        segments.segment_id,
        customer_products.product_id,
        count(*) as buyers
    from customer_products
    inner join segments
        on customer_products.customer_id = segments.customer_id
    group by
        segments.segment_id,
        customer_products.product_id
),

shares as (
    select
        segment_buyers.segment_id,
        segment_buyers.product_id,
        segment_buyers.buyers,
        cast(segment_buyers.buyers as {{ type_double() }}) / segment_sizes.segment_customers
            as segment_buyer_share,
        cast(population_buyers.population_buyers as {{ type_double() }}) / customer_count.customers
            as population_buyer_share
    from segment_buyers
    inner join segment_sizes
        on segment_buyers.segment_id = segment_sizes.segment_id
    inner join population_buyers
        on segment_buyers.product_id = population_buyers.product_id
    cross join customer_count
),

-- score 1 means the segment buys the product like everyone else; 2, twice as often
affinity as (
    select
        *,
        segment_buyer_share / population_buyer_share as score
    from shares
)
{% endmacro %}


{#-
  The served recommender, as a `recommenders` row: the blend recommendation_blend_weights chose
  (learned on the validation window, or the recommendation_weight_* vars when they are set).
-#}
{% macro served_recommender() %}
    select
        'blended' as recommender,
        weight_segment,
        weight_rules,
        weight_popularity
    from {{ ref('recommendation_blend_weights') }}
    where is_chosen
{% endmacro %}


{#- The recommendation_weight_* vars as a dict, or none when they are unset (check_vars rejects
    a part of them set, or all three at 0). -#}
{% macro configured_blend_weights() %}
    {%- set weights = {} -%}
    {%- for component in ['segment', 'rules', 'popularity'] -%}
        {%- set weight = var('recommendation_weight_' ~ component, none) -%}
        {%- if weight is not none -%}
            {%- do weights.update({component: weight}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(weights if weights | length == 3 else none) }}
{% endmacro %}


{#-
  Each customer's top 3 offers from every recommender. Expects CTEs
    recommenders       (recommender, weight_segment, weight_rules, weight_popularity), one row each
    customers          (customer_id, segment_id): who gets offers
    customer_products  (customer_id, product_id): what they bought, never offered again (except
                       in categories of var recommendation_repeat_categories)
    affinity           int_segment_product_affinity's columns
    rules              (antecedent, antecedent_2, consequent, confidence), as in basket_rules
    products           (product_id, category)
  and ends with `offers`: one row per recommender, customer and rank 1-3, with the
  recommender's weights. With buyers_only, only customers with a row in customer_products get
  offers.

  score = weight_segment x segment share (0 below var recommendation_min_buyers buyers)
        + weight_rules x confidence of the most confident rule whose antecedents the customer
          bought + weight_popularity x share of all customers buying the product.
  Ties go to the more popular product, then the lower product id, so a recommender of one
  component falls back to popularity.

  No customers x products cross join: without a rule behind it, a product's score depends on the
  segment only, so a customer's offers are among the segment's top (3 + products bought) by that
  score, plus the consequents of the customer's rules. Candidates are drawn once per customer for
  all recommenders (a product within any recommender's top) and checked against the purchases
  once, then each recommender ranks its own.
-#}
{% macro recommendation_offer_ctes(buyers_only=false) %}
{%- set repeat_categories = required_var('recommendation_repeat_categories') -%}
popularity as (
    select
        product_id,
        max(population_buyer_share) as popularity_component
    from affinity
    group by product_id
),

segment_ids as (
    select distinct segment_id
    from customers
),

-- small: recommenders x segments x products
segment_components as (
    select
        recommenders.recommender,
        recommenders.weight_rules,
        segment_ids.segment_id,
        popularity.product_id,
        popularity.popularity_component,
        case
            when affinity.buyers >= {{ required_var('recommendation_min_buyers') }}
                then affinity.segment_buyer_share
            else 0
        end as segment_component,
        recommenders.weight_segment,
        recommenders.weight_popularity
    from recommenders
    cross join segment_ids
    cross join popularity
    left join affinity
        on
            segment_ids.segment_id = affinity.segment_id
            and popularity.product_id = affinity.product_id
),

segment_scores as (
    select
        *,
        weight_segment * segment_component + weight_popularity * popularity_component as base_score
    from segment_components
),

segment_ranks as (
    select
        *,
        row_number() over (
            partition by recommender, segment_id
            order by base_score desc, popularity_component desc, product_id asc
        ) as base_rank
    from segment_scores
),

-- small: each segment's products at their best rank over the recommenders
segment_best_ranks as (
    select
        segment_id,
        product_id,
        min(base_rank) as best_rank
    from segment_ranks
    group by
        segment_id,
        product_id
),

purchase_counts as (
    select
        customer_id,
        count(*) as products_bought
    from customer_products
    group by customer_id
),

customer_depths as (
    select
        customers.customer_id,
        customers.segment_id,
        3 + coalesce(purchase_counts.products_bought, 0) as candidate_depth
    from customers
    {{ 'inner' if buyers_only else 'left' }} join purchase_counts
        on customers.customer_id = purchase_counts.customer_id
),

-- small: a consequent's rules from most to least confident; a tie goes to the lower antecedent ids
ranked_rules as (
    select
        *,
        row_number() over (
            partition by consequent
            order by confidence desc, antecedent asc, antecedent_2 asc nulls first
        ) as rule_rank
    from rules
),

single_rule_matches as (
    select
        customer_products.customer_id,
        ranked_rules.consequent as product_id,
        ranked_rules.rule_rank
    from customer_products
    inner join ranked_rules
        on customer_products.product_id = ranked_rules.antecedent
    where ranked_rules.antecedent_2 is null
),

-- a two-item antecedent matches only when the customer bought both
pair_rule_matches as (
    select
        first_products.customer_id,
        ranked_rules.consequent as product_id,
        ranked_rules.rule_rank
    from customer_products as first_products
    inner join ranked_rules
        on first_products.product_id = ranked_rules.antecedent
    inner join customer_products as second_products
        on
            first_products.customer_id = second_products.customer_id
            and ranked_rules.antecedent_2 = second_products.product_id
),

rule_matches as (
    select * from single_rule_matches
    union all
    select * from pair_rule_matches
),

best_rule_matches as (
    select
        customer_id,
        product_id,
        min(rule_rank) as rule_rank
    from rule_matches
    group by
        customer_id,
        product_id
),

-- the most confident rule explains the offer; only customers who get offers
rule_candidates as (
    select
        best_rule_matches.customer_id,
        customer_depths.segment_id,
        customer_depths.candidate_depth,
        best_rule_matches.product_id,
        ranked_rules.confidence as rule_component,
        ranked_rules.antecedent as because_of_product_id,
        ranked_rules.antecedent_2 as because_of_product_id_2
    from best_rule_matches
    inner join customer_depths
        on best_rule_matches.customer_id = customer_depths.customer_id
    inner join ranked_rules
        on
            best_rule_matches.product_id = ranked_rules.consequent
            and best_rule_matches.rule_rank = ranked_rules.rule_rank
),

segment_candidates as (
    select
        customer_depths.customer_id,
        customer_depths.segment_id,
        customer_depths.candidate_depth,
        segment_best_ranks.product_id
    from customer_depths
    inner join segment_best_ranks
        on
            customer_depths.segment_id = segment_best_ranks.segment_id
            and segment_best_ranks.best_rank <= customer_depths.candidate_depth
),

-- rule consequents that are not segment candidates already
rule_only_candidates as (
    select
        rule_candidates.customer_id,
        rule_candidates.segment_id,
        rule_candidates.candidate_depth,
        rule_candidates.product_id
    from rule_candidates
    inner join segment_best_ranks
        on
            rule_candidates.segment_id = segment_best_ranks.segment_id
            and rule_candidates.product_id = segment_best_ranks.product_id
    where segment_best_ranks.best_rank > rule_candidates.candidate_depth
),

candidates as (
    select * from segment_candidates
    union all
    select * from rule_only_candidates
),

unbought as (
    select candidates.*
    from candidates
    inner join products
        on candidates.product_id = products.product_id
    left join customer_products
        on
            candidates.customer_id = customer_products.customer_id
            and candidates.product_id = customer_products.product_id
    where
        customer_products.product_id is null
    {% if repeat_categories -%}
        or products.category in ({{ sql_literals(repeat_categories) }})
    {%- endif %}
),

scored as (
    select
        segment_ranks.recommender,
        segment_ranks.weight_segment,
        segment_ranks.weight_rules,
        unbought.customer_id,
        unbought.product_id,
        segment_ranks.segment_component,
        coalesce(rule_candidates.rule_component, 0) as rule_component,
        segment_ranks.popularity_component,
        rule_candidates.because_of_product_id,
        rule_candidates.because_of_product_id_2,
        segment_ranks.base_score
        + segment_ranks.weight_rules * coalesce(rule_candidates.rule_component, 0) as score
    from unbought
    inner join segment_ranks
        on
            unbought.segment_id = segment_ranks.segment_id
            and unbought.product_id = segment_ranks.product_id
    left join rule_candidates
        on
            unbought.customer_id = rule_candidates.customer_id
            and unbought.product_id = rule_candidates.product_id
    -- this recommender's own candidates
    where
        segment_ranks.base_rank <= unbought.candidate_depth
        or rule_candidates.product_id is not null
),

ranked as (
    select
        *,
        row_number() over (
            partition by recommender, customer_id
            order by score desc, popularity_component desc, product_id asc
        ) as rank
    from scored
),

offers as (
    select *
    from ranked
    where rank <= 3
)
{% endmacro %}
