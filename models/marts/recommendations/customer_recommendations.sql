-- one row per customer and rank 1-3: products to offer, never one the customer already bought.
-- Candidates and scores come from macros/recommendations.sql, which recommendation_evaluation
-- runs on training orders, so the evaluation measures this very model.
with

customers as (
    select * from {{ ref('customer_segments') }}
),

-- every product of a completed or returned order is the customer's (var received_order_statuses)
customer_products as (
    select * from {{ ref('int_customer_received_products') }}
),

affinity as (
    select * from {{ ref('int_segment_product_affinity') }}
),

rules as (
    select * from {{ ref('basket_rules') }}
),

-- placeholders (var recommendation_placeholder_names) are never candidates
products as (
    select * from {{ ref('int_recommendable_products') }}
),

recommenders as (
    {{ served_recommender() }}
),

{{ recommendation_offer_ctes() }},

-- the rule explains the offer when it weighs at least as much as the segment
explained as (
    select
        offers.customer_id,
        customers.source_customer_id,
        offers.rank,
        offers.product_id,
        products.product_name,
        offers.score,
        case
            when
                offers.weight_rules * offers.rule_component
                >= offers.weight_segment * offers.segment_component
                and offers.rule_component > 0
                and offers.because_of_product_id_2 is null
                then {{ dbt.concat(["'often bought with '", "because_of.product_name"]) }}
            when
                offers.weight_rules * offers.rule_component
                >= offers.weight_segment * offers.segment_component
                and offers.rule_component > 0
                then {{ dbt.concat([
                    "'often bought with '", "because_of.product_name", "' and '", "because_of_2.product_name"
                ]) }}
            -- segment affinity only where the segment buys it more than everyone (ratio above 1)
            when offers.segment_component > 0 and segment_affinity.score > 1
                then {{ dbt.concat(["'popular with '", "customers.segment_name"]) }}
            else 'popular with all customers'
        end as reason
    from offers
    inner join customers
        on offers.customer_id = customers.customer_id
    inner join products
        on offers.product_id = products.product_id
    left join products as because_of
        on offers.because_of_product_id = because_of.product_id
    left join products as because_of_2
        on offers.because_of_product_id_2 = because_of_2.product_id
    left join affinity as segment_affinity
        on
            customers.segment_id = segment_affinity.segment_id
            and offers.product_id = segment_affinity.product_id
)

select * from explained
