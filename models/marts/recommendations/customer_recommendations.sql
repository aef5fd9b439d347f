-- one row per customer and rank 1-3: products to offer, never one the customer already bought.
-- Candidates are pruned before scoring (the segment's top products, rule consequents of what the
-- customer bought, the most popular products), so no customers x products cross join is built.
{% set repeat_categories = required_var('recommendation_repeat_categories') %}

with

customers as (
    select * from {{ ref('customer_segments') }}
),

customer_products as (
    select * from {{ ref('int_customer_products') }}
),

affinity as (
    select * from {{ ref('int_segment_product_affinity') }}
),

rules as (
    select * from {{ ref('basket_rules') }}
),

products as (
    select * from {{ ref('stg_products') }}
),

popularity as (
    select
        product_id,
        max(population_buyer_share) as population_buyer_share,
        row_number() over (order by max(population_buyer_share) desc, product_id asc)
            as popularity_rank
    from affinity
    group by product_id
),

purchase_counts as (
    select
        customer_id,
        count(*) as products_bought
    from customer_products
    group by customer_id
),

segment_candidates as (
    select
        customers.customer_id,
        affinity.product_id
    from customers
    inner join affinity
        on customers.segment_id = affinity.segment_id
    where affinity.buyers >= {{ required_var('recommendation_min_buyers') }}
),

rule_matches as (
    select
        customer_products.customer_id,
        rules.consequent as product_id,
        rules.antecedent,
        rules.confidence,
        row_number() over (
            partition by customer_products.customer_id, rules.consequent
            order by rules.confidence desc, rules.antecedent asc
        ) as match_rank
    from customer_products
    inner join rules
        on customer_products.product_id = rules.antecedent
),

-- the most confident rule explains the offer; a tie goes to the lower antecedent id
rule_candidates as (
    select
        customer_id,
        product_id,
        confidence as rule_confidence,
        antecedent as because_of_product_id
    from rule_matches
    where match_rank = 1
),

-- enough popular products that, after removing what a customer bought, three remain
popular_candidates as (
    select
        customers.customer_id,
        popularity.product_id
    from customers
    left join purchase_counts
        on customers.customer_id = purchase_counts.customer_id
    inner join popularity
        on popularity.popularity_rank <= 3 + coalesce(purchase_counts.products_bought, 0)
),

candidates as (
    select
        customer_id,
        product_id
    from segment_candidates
    union
    select
        customer_id,
        product_id
    from rule_candidates
    union
    select
        customer_id,
        product_id
    from popular_candidates
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

-- blend: segment propensity (share of the segment buying it), the most confident basket rule
-- from the customer's own purchases, and overall popularity, each a probability in [0, 1]
components as (
    select
        unbought.customer_id,
        unbought.product_id,
        customers.segment_name,
        rule_candidates.because_of_product_id,
        popularity.population_buyer_share as popularity_component,
        coalesce(affinity.segment_buyer_share, 0) as segment_component,
        coalesce(rule_candidates.rule_confidence, 0) as rule_component
    from unbought
    inner join customers
        on unbought.customer_id = customers.customer_id
    inner join popularity
        on unbought.product_id = popularity.product_id
    left join affinity
        on
            customers.segment_id = affinity.segment_id
            and unbought.product_id = affinity.product_id
    left join rule_candidates
        on
            unbought.customer_id = rule_candidates.customer_id
            and unbought.product_id = rule_candidates.product_id
),

scored as (
    select
        *,
        {{ required_var('recommendation_weight_segment') }} * segment_component
        + {{ required_var('recommendation_weight_rules') }} * rule_component
        + {{ required_var('recommendation_weight_popularity') }} * popularity_component as score
    from components
),

ranked as (
    select
        *,
        row_number() over (partition by customer_id order by score desc, product_id asc) as rank
    from scored
),

explained as (
    select
        ranked.customer_id,
        ranked.rank,
        ranked.product_id,
        products.product_name,
        ranked.score,
        case
            when
                {{ required_var('recommendation_weight_rules') }} * ranked.rule_component
                >= {{ required_var('recommendation_weight_segment') }} * ranked.segment_component
                and ranked.rule_component > 0
                then {{ dbt.concat(["'often bought with '", "because_of.product_name"]) }}
            when ranked.segment_component > 0
                then {{ dbt.concat(["'popular with '", "ranked.segment_name"]) }}
            else 'popular with all customers'
        end as reason
    from ranked
    inner join products
        on ranked.product_id = products.product_id
    left join products as because_of
        on ranked.because_of_product_id = because_of.product_id
    where ranked.rank <= 3
)

select * from explained
