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
  Each customer's top 3 offers from every recommender. Expects CTEs
    recommenders       (recommender, weight_segment, weight_rules, weight_popularity), one row each
    customers          (customer_id, segment_id): who gets offers
    customer_products  (customer_id, product_id): what they bought, never offered again (except
                       in categories of var recommendation_repeat_categories)
    affinity           int_segment_product_affinity's columns
    rules              (antecedent, antecedent_2, consequent, confidence), as in basket_rules
    products           (product_id, category)
  and ends with `offers`: one row per recommender, customer and rank 1-3.

  score = weight_segment x segment share (0 below var recommendation_min_buyers buyers)
        + weight_rules x confidence of the most confident rule whose antecedents the customer
          bought + weight_popularity x share of all customers buying the product.
  Ties go to the more popular product, then the lower product id, so a recommender of one
  component falls back to popularity.

  No customers x products cross join: without a rule behind it, a product's score depends on the
  segment only, so a customer's offers are among the segment's top (3 + products bought) by that
  score, plus the consequents of the customer's rules.
-#}
{% macro recommendation_offer_ctes() %}
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

purchase_counts as (
    select
        customer_id,
        count(*) as products_bought
    from customer_products
    group by customer_id
),

-- a two-item antecedent matches only when the customer bought both
rule_matches as (
    select
        customer_products.customer_id,
        rules.consequent as product_id,
        rules.antecedent,
        rules.antecedent_2,
        rules.confidence,
        row_number() over (
            partition by customer_products.customer_id, rules.consequent
            order by rules.confidence desc, rules.antecedent asc, rules.antecedent_2 asc nulls first
        ) as match_rank
    from customer_products
    inner join rules
        on customer_products.product_id = rules.antecedent
    left join customer_products as second_products
        on
            customer_products.customer_id = second_products.customer_id
            and rules.antecedent_2 = second_products.product_id
    where rules.antecedent_2 is null or second_products.product_id is not null
),

-- the most confident rule explains the offer; a tie goes to the lower antecedent ids
rule_candidates as (
    select
        customer_id,
        product_id,
        confidence as rule_component,
        antecedent as because_of_product_id,
        antecedent_2 as because_of_product_id_2
    from rule_matches
    where match_rank = 1
),

segment_candidates as (
    select
        segment_ranks.recommender,
        customers.customer_id,
        segment_ranks.product_id
    from customers
    left join purchase_counts
        on customers.customer_id = purchase_counts.customer_id
    inner join segment_ranks
        on
            customers.segment_id = segment_ranks.segment_id
            and segment_ranks.base_rank <= 3 + coalesce(purchase_counts.products_bought, 0)
),

candidates as (
    select
        recommender,
        customer_id,
        product_id
    from segment_candidates
    union
    select
        recommenders.recommender,
        rule_candidates.customer_id,
        rule_candidates.product_id
    from rule_candidates
    inner join customers
        on rule_candidates.customer_id = customers.customer_id
    cross join recommenders
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
        or products.category in ('{{ repeat_categories | join("', '") }}')
    {%- endif %}
),

scored as (
    select
        unbought.recommender,
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
    inner join customers
        on unbought.customer_id = customers.customer_id
    inner join segment_ranks
        on
            unbought.recommender = segment_ranks.recommender
            and customers.segment_id = segment_ranks.segment_id
            and unbought.product_id = segment_ranks.product_id
    left join rule_candidates
        on
            unbought.customer_id = rule_candidates.customer_id
            and unbought.product_id = rule_candidates.product_id
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
