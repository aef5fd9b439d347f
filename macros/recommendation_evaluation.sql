{#-
  Shared by the hold-out evaluation (int_recommendation_holdout_offers, recommendation_evaluation)
  and the validation window that chooses the served blend (int_recommendation_validation_offers,
  recommendation_blend_weights), so both windows pick and score customers alike.
-#}

{#-
  The customers a hold-out window evaluates and what they had received before it. Expects CTEs
    segments           (customer_id, segment_id)
    first_purchases    int_customer_product_first_purchases
    holdout_window     (cutoff_date, end_date)
    received_products  int_customer_received_products
  and ends with `customer_products`, after `customers`: customers with a segment, a purchase
  before the cutoff and a product first bought from it up to the end date; at most var
  recommendation_evaluation_sample_size of them, the first by a hash of customer_id (the same
  ones on every run).
-#}
{% macro holdout_customer_ctes() %}
-- one pass over the first purchases: whether each customer bought before the cutoff, and new
-- products from it up to the end date
customer_windows as (
    select
        first_purchases.customer_id,
        max(
            case when first_purchases.first_bought_on < holdout_window.cutoff_date then 1 else 0 end
        ) as bought_before,
        max(
            case
                when
                    first_purchases.first_bought_on >= holdout_window.cutoff_date
                    and first_purchases.first_bought_on < holdout_window.end_date
                    then 1
                else 0
            end
        ) as bought_new
    from first_purchases
    cross join holdout_window
    group by first_purchases.customer_id
),

eligible_customers as (
    select
        segments.customer_id,
        segments.segment_id
    from segments
    inner join customer_windows
        on segments.customer_id = customer_windows.customer_id
    where
        customer_windows.bought_before = 1
        and customer_windows.bought_new = 1
),

customers as (
    select
        customer_id,
        segment_id
    from eligible_customers
    order by {{ dbt.hash('customer_id') }}, customer_id
    limit {{ required_var('recommendation_evaluation_sample_size') }}
),

-- what each sampled customer had received before the cutoff: never offered, as in serving
customer_products as (
    select
        received_products.customer_id,
        received_products.product_id
    from received_products
    inner join customers
        on received_products.customer_id = customers.customer_id
    cross join holdout_window
    where received_products.first_received_on < holdout_window.cutoff_date
)
{% endmacro %}


{#-
  How each recommender's top 3 offers met the products customers first bought in a hold-out
  window. Expects CTEs offers (recommender, customer_id, product_id), first_purchases and
  holdout_window (cutoff_date, end_date); ends with `recommender_metrics`, one row per
  recommender. Per customer, hits = offers among the new products; precision = hits / 3, recall
  = hits / new products, both averaged over customers; hit rate = share of customers with a hit,
  with its binomial standard error sqrt(p (1 - p) / customers).
-#}
{% macro recommendation_hit_ctes() %}
new_purchases as (
    select
        first_purchases.customer_id,
        first_purchases.product_id
    from first_purchases
    cross join holdout_window
    where
        first_purchases.first_bought_on >= holdout_window.cutoff_date
        and first_purchases.first_bought_on < holdout_window.end_date
),

new_product_counts as (
    select
        customer_id,
        count(*) as new_products
    from new_purchases
    group by customer_id
),

customer_hits as (
    select
        offers.recommender,
        offers.customer_id,
        count(new_purchases.product_id) as hits
    from offers
    left join new_purchases
        on
            offers.customer_id = new_purchases.customer_id
            and offers.product_id = new_purchases.product_id
    group by
        offers.recommender,
        offers.customer_id
),

customer_metrics as (
    select
        customer_hits.recommender,
        count(*) as customers_evaluated,
        cast(sum(customer_hits.hits) as {{ dbt.type_bigint() }}) as hits,
        avg(case when customer_hits.hits > 0 then 1 else 0 end) as hit_rate_at_3,
        avg(cast(customer_hits.hits as {{ type_double() }}) / 3) as precision_at_3,
        avg(cast(customer_hits.hits as {{ type_double() }}) / new_product_counts.new_products)
            as recall_at_3
    from customer_hits
    inner join new_product_counts
        on customer_hits.customer_id = new_product_counts.customer_id
    group by customer_hits.recommender
),

recommender_metrics as (
    select
        *,
        sqrt(hit_rate_at_3 * (1 - hit_rate_at_3) / customers_evaluated) as hit_rate_standard_error
    from customer_metrics
)
{% endmacro %}


{#-
  A window's offers, all but the recommenders: what each recommender of a `recommenders` CTE
  (recommender, weight_segment, weight_rules, weight_popularity), which the model writes before
  it, would have offered the window's sampled customers (holdout_customer_ctes), with the
  affinity and rules trained before the window's cutoff. Ends with `offers`
  (recommendation_offer_ctes); every sampled customer bought before the cutoff, so all of them
  get offers.
-#}
{% macro offers_trained_before(window_model, affinity_model, rules_model) %}
segments as (
    select * from {{ ref('customer_segments') }}
),

first_purchases as {{ inline_cte() }} (
    select * from {{ ref('int_customer_product_first_purchases') }}
),

holdout_window as (
    select * from {{ ref(window_model) }}
),

affinity as (
    select * from {{ ref(affinity_model) }}
),

rules as (
    select * from {{ ref(rules_model) }}
),

products as (
    select * from {{ ref('int_recommendable_products') }}
),

received_products as (
    select * from {{ ref('int_customer_received_products') }}
),

{{ holdout_customer_ctes() }},

{{ recommendation_offer_ctes(buyers_only=true) }}
{% endmacro %}


{#-
  A window's training rules, the whole model: basket_rules' mining (macros/association_rules.sql)
  over the orders of int_recommendation_training_baskets dated before the cutoff of
  `window_model` (int_recommendation_holdout_window or int_recommendation_validation_window).
-#}
{% macro rules_trained_before(window_model) %}
with

training_baskets as (
    select * from {{ ref('int_recommendation_training_baskets') }}
),

basket_orders as (
    select * from {{ ref('int_basket_orders') }}
),

holdout_window as (
    select * from {{ ref(window_model) }}
),

-- the orders of the baskets, counted here rather than by a distinct over their lines
training_orders as (
    select basket_orders.order_id
    from basket_orders
    cross join holdout_window
    where basket_orders.ordered_on < holdout_window.cutoff_date
),

-- the rule CTEs read the baskets several times, each straight from the table: a filter on it,
-- not a table per window (at 10M customers, most of 200M lines again)
baskets as {{ inline_cte() }} (
    select
        training_baskets.order_id,
        training_baskets.product_id as item
    from training_baskets
    cross join holdout_window
    where training_baskets.ordered_on < holdout_window.cutoff_date
),

{{ association_rule_ctes(dbt.type_bigint(), basket_orders='training_orders') }}

select * from kept
{% endmacro %}


{#-
  A window's training affinity, the whole model: int_segment_product_affinity's
  (segment_product_affinity_ctes) over the products customers first bought before the cutoff of
  `window_model`; segments are today's k-means segments.
-#}
{% macro affinity_trained_before(window_model) %}
with

first_purchases as (
    select * from {{ ref('int_customer_product_first_purchases') }}
),

segments as (
    select * from {{ ref('customer_segments') }}
),

holdout_window as (
    select * from {{ ref(window_model) }}
),

customer_products as (
    select
        first_purchases.customer_id,
        first_purchases.product_id
    from first_purchases
    cross join holdout_window
    where first_purchases.first_bought_on < holdout_window.cutoff_date
),

{{ segment_product_affinity_ctes() }}

select * from affinity
{% endmacro %}
