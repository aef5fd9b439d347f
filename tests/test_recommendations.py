"""Basket rules and recommendations on a generated data set, against independent computations."""

from __future__ import annotations

import json
from itertools import combinations

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml

from conftest import REPO, bundled_build_upto, rebuild_on_copy

pytestmark = pytest.mark.e2e
METRICS = ["hit_rate_at_3", "precision_at_3", "recall_at_3", "catalog_coverage"]


@pytest.fixture(scope="module")
def bundled_evaluation(tmp_path_factory):
    """recommendation_evaluation built on the bundled seeds, by model."""
    _, database = bundled_build_upto(
        tmp_path_factory.mktemp("recommendation_bundled"), "recommendation_evaluation"
    )
    with duckdb.connect(str(database), read_only=True) as connection:
        evaluation = connection.sql("select * from recommendation_evaluation").df()
    return evaluation.set_index("model")


def expected_rules(items: pd.DataFrame, min_support: float, min_confidence: float, min_lift: float):
    """Every rule by brute force over each basket's product pairs (no pruning shortcuts)."""
    baskets = items.drop_duplicates(["order_id", "product_id"]).groupby("order_id")["product_id"]
    total = baskets.ngroups
    singles = items.drop_duplicates(["order_id", "product_id"])["product_id"].value_counts()
    pairs = pd.Series(
        [pair for _, products in baskets for pair in combinations(sorted(products), 2)]
    ).value_counts()
    rows = []
    for (a, b), both in pairs.items():
        for antecedent, consequent in ((a, b), (b, a)):
            support = both / total
            support_a = singles[antecedent] / total
            support_c = singles[consequent] / total
            confidence = both / singles[antecedent]
            rows.append(
                {
                    "antecedent": antecedent,
                    "consequent": consequent,
                    "support": support,
                    "confidence": confidence,
                    "lift": confidence / support_c,
                    "leverage": support - support_a * support_c,
                    "conviction": (1 - support_c) / (1 - confidence) if confidence < 1 else np.nan,
                    "frequent": min(support, support_a, support_c) >= min_support,
                }
            )
    rules = pd.DataFrame(rows)
    kept = rules[
        rules["frequent"] & (rules["confidence"] >= min_confidence) & (rules["lift"] >= min_lift)
    ]
    return kept.drop(columns="frequent").set_index(["antecedent", "consequent"]).sort_index()


@pytest.mark.parametrize(
    ("model", "items_sql"),
    [
        ("basket_rules", "select order_id, product_id from stg_order_items"),
        (
            "category_basket_rules",
            "select order_id, category as product_id from stg_order_items "
            "join stg_products using (product_id)",
        ),
        # the rules the evaluation and the blend's validation are trained on: earlier orders only
        *(
            (
                f"int_recommendation_{training}_rules",
                "select order_id, product_id from stg_order_items join stg_orders using (order_id)"
                f" where ordered_on < (select cutoff_date from int_recommendation_{window}_window)",
            )
            for training, window in (("training", "holdout"), ("validation", "validation"))
        ),
    ],
)
def test_rules_equal_a_brute_force_pandas_computation(generated_build, model, items_sql):
    connection, _, _ = generated_build
    settings = yaml.safe_load((REPO / "dbt_project.yml").read_text())["vars"]
    items = connection.sql(items_sql).df()
    expected = expected_rules(
        items,
        settings["basket_min_support"],
        settings["basket_min_confidence"],
        settings["basket_min_lift"],
    )
    actual = (
        connection.sql(f"select * from {model}")
        .df()
        .set_index(["antecedent", "consequent"])
        .sort_index()
    )
    assert list(actual.index) == list(expected.index)
    for metric in ("support", "confidence", "lift", "leverage", "conviction"):
        np.testing.assert_allclose(actual[metric], expected[metric], rtol=1e-12, err_msg=metric)


def test_planted_product_affinities_are_the_strongest_rules(generated_build):
    connection, _, truth_dir = generated_build
    planted = json.loads((truth_dir / "planted.json").read_text())["affinity_pairs"]
    planted_pairs = {frozenset((pair["product_a"], pair["product_b"])) for pair in planted}
    rules = connection.sql("select antecedent, consequent, lift from basket_rules").df()
    rules["pair"] = [
        frozenset(pair) for pair in zip(rules.antecedent, rules.consequent, strict=True)
    ]

    found = set(rules.loc[rules["lift"] > 3, "pair"])
    assert planted_pairs <= found
    # both directions of every planted pair outrank every other rule
    top = rules.sort_values("lift", ascending=False).head(2 * len(planted_pairs))
    assert set(top["pair"]) == planted_pairs


def test_segment_recommendations_equal_an_independent_pandas_ranking(generated_build):
    connection, _, _ = generated_build
    settings = yaml.safe_load((REPO / "dbt_project.yml").read_text())["vars"]
    buyers = connection.sql(
        "select distinct orders.customer_id, items.product_id from stg_order_items as items "
        "join int_orders_totalled as orders using (order_id) where orders.is_revenue_order"
    ).df()
    segments = connection.sql("select customer_id, segment_id from customer_segments").df()
    in_segment = buyers.merge(segments, on="customer_id")
    counts = in_segment.groupby(["segment_id", "product_id"]).size().rename("buyers").reset_index()
    sizes = segments.groupby("segment_id").size().rename("segment_customers")
    population = buyers.groupby("product_id").size().rename("population_buyers")
    counts = counts.join(sizes, on="segment_id").join(population, on="product_id")
    counts["score"] = (counts["buyers"] / counts["segment_customers"]) / (
        counts["population_buyers"] / len(segments)
    )
    counts["affinity"] = (counts["score"] > 1) & (
        counts["buyers"] >= settings["recommendation_min_buyers"]
    )
    # every segment and product: affinity first by ratio, then the rest by popularity
    popularity = (population / len(segments)).rename("popularity")
    grid = pd.MultiIndex.from_product(
        [sorted(segments["segment_id"].unique()), popularity.index],
        names=["segment_id", "product_id"],
    ).to_frame(index=False)
    grid = grid.merge(counts, on=["segment_id", "product_id"], how="left").join(
        popularity, on="product_id"
    )
    grid["affinity"] = grid["affinity"].fillna(False).astype(bool)
    grid[["score", "buyers"]] = grid[["score", "buyers"]].fillna(0)
    grid["order"] = np.where(grid["affinity"], grid["score"], grid["popularity"])
    expected = (
        grid.sort_values(
            ["segment_id", "affinity", "order", "buyers", "product_id"],
            ascending=[True, False, False, False, True],
        )
        .groupby("segment_id")
        .head(3)
    )
    actual = connection.sql(
        "select segment_id, product_id, score, basis from segment_recommendations "
        "order by segment_id, rank"
    ).df()
    assert actual[["segment_id", "product_id"]].to_numpy().tolist() == (
        expected[["segment_id", "product_id"]].to_numpy().tolist()
    )
    np.testing.assert_allclose(actual["score"], expected["score"], rtol=1e-12)
    basis = np.where(expected["affinity"], "segment_affinity", "popularity")
    assert actual["basis"].tolist() == basis.tolist()
    # a segment's own label only for products it buys more than everyone does
    reasons = connection.sql(
        "select recommendations.reason, affinity.score from customer_recommendations"
        " as recommendations inner join customer_segments using (customer_id)"
        " left join int_segment_product_affinity as affinity"
        " on affinity.segment_id = customer_segments.segment_id"
        " and affinity.product_id = recommendations.product_id"
        " where recommendations.reason like 'popular with %'"
        " and recommendations.reason <> 'popular with all customers'"
    ).df()
    assert len(reasons) > 0 and (reasons["score"] > 1).all()


def test_every_customer_gets_three_products_they_have_not_received(generated_build):
    connection, _, _ = generated_build
    per_customer = connection.sql(
        "select customers.customer_id, count(recommendations.product_id) as offers "
        "from customer_segments as customers "
        "left join customer_recommendations as recommendations using (customer_id) "
        "group by customers.customer_id"
    ).df()
    assert (per_customer["offers"] == 3).all()
    # received: any completed or returned order (a cancelled one was never received)
    lines = connection.sql(
        "select orders.customer_id, items.product_id, orders.order_status"
        " from stg_order_items as items inner join stg_orders as orders using (order_id)"
    ).df()
    received = lines[lines["order_status"].isin(["completed", "returned"])]
    only_returned = set(
        map(tuple, received.loc[received["order_status"] == "returned"].iloc[:, :2].to_numpy())
    ) - set(
        map(tuple, received.loc[received["order_status"] == "completed"].iloc[:, :2].to_numpy())
    )
    assert only_returned  # the generated data has returned products to leave out
    offers = connection.sql("select customer_id, product_id from customer_recommendations").df()
    offered = set(map(tuple, offers.to_numpy()))
    assert offered.isdisjoint(set(map(tuple, received.iloc[:, :2].to_numpy())))


def test_served_blend_is_within_two_standard_errors_of_the_best_component(bundled_evaluation):
    assert sorted(bundled_evaluation.index) == ["blended", "popularity", "rules", "segment"]
    hit_rate = bundled_evaluation["hit_rate_at_3"]
    best = hit_rate.drop("blended").idxmax()
    assert hit_rate["blended"] >= (
        hit_rate[best] - 2 * bundled_evaluation.loc[best, "hit_rate_standard_error"]
    )
    assert hit_rate["blended"] > hit_rate["popularity"]
    n = bundled_evaluation["customers_evaluated"]
    np.testing.assert_allclose(
        bundled_evaluation["hit_rate_standard_error"], np.sqrt(hit_rate * (1 - hit_rate) / n)
    )


def test_evaluation_metrics_are_rates_over_the_same_customers(bundled_evaluation):
    evaluation = bundled_evaluation
    assert ((evaluation[METRICS] >= 0) & (evaluation[METRICS] <= 1)).all().all()
    assert (evaluation["customers_evaluated"] == evaluation["customers_evaluated"].iloc[0]).all()
    assert (evaluation["customers_evaluated"] > 0).all()
    np.testing.assert_allclose(
        evaluation["precision_at_3"] * 3 * evaluation["customers_evaluated"], evaluation["hits"]
    )


def revenue_purchases(connection) -> pd.DataFrame:
    """(customer_id, product_id, ordered_on) of every revenue order line, from staging."""
    purchases = connection.sql(
        "select distinct orders.customer_id, items.product_id, orders.ordered_on "
        "from stg_order_items as items join int_orders_totalled as orders using (order_id) "
        "where orders.is_revenue_order"
    ).df()
    purchases["ordered_on"] = pd.to_datetime(purchases["ordered_on"]).dt.date
    return purchases


def independent_window_metrics(connection, offers: pd.DataFrame, window: str):
    """The customers a hold-out window (int_recommendation_<window>_window) evaluates, and each
    recommender's metrics on them, counted in pandas from staged purchases."""
    cutoff, end = connection.sql(
        f"select cutoff_date, end_date from int_recommendation_{window}_window"
    ).fetchall()[0]
    purchases = revenue_purchases(connection)
    before = purchases[purchases["ordered_on"] < cutoff][["customer_id", "product_id"]]
    before = before.drop_duplicates()
    in_window = purchases[(purchases["ordered_on"] >= cutoff) & (purchases["ordered_on"] < end)]
    new = in_window[["customer_id", "product_id"]].drop_duplicates()
    new = new.merge(before, how="left", indicator=True)
    new = new[new["_merge"] == "left_only"].drop(columns="_merge")
    segmented = set(connection.sql("select customer_id from customer_segments").df()["customer_id"])
    evaluated = segmented & set(before["customer_id"]) & set(new["customer_id"])

    # nothing bought before the cutoff is offered, and every evaluated customer gets 3 offers
    assert offers.merge(before, on=["customer_id", "product_id"]).empty
    assert set(offers["customer_id"]) == evaluated
    assert (offers.groupby(["recommender", "customer_id"]).size() == 3).all()
    new_counts = new.groupby("customer_id").size()
    hits = offers.merge(new, on=["customer_id", "product_id"], how="left", indicator=True)
    hits["hit"] = hits["_merge"] == "both"
    per_customer = hits.groupby(["recommender", "customer_id"])["hit"].sum().reset_index()
    per_customer["new_products"] = per_customer["customer_id"].map(new_counts)
    expected = per_customer.groupby("recommender").agg(
        customers_evaluated=("customer_id", "nunique"),
        hits=("hit", "sum"),
        hit_rate_at_3=("hit", lambda values: (values > 0).mean()),
        precision_at_3=("hit", lambda values: (values / 3).mean()),
    )
    expected["recall_at_3"] = (
        (per_customer["hit"] / per_customer["new_products"]).groupby(per_customer["recommender"])
    ).mean()
    return evaluated, expected


def test_evaluation_equals_an_independent_count_of_hold_out_hits(generated_build):
    connection, _, _ = generated_build
    offers = connection.sql("select * from int_recommendation_holdout_offers").df()
    evaluated, expected = independent_window_metrics(connection, offers, "holdout")
    catalogue = connection.sql("select count(*) from stg_products").fetchall()[0][0]
    expected["catalog_coverage"] = offers.groupby("recommender")["product_id"].nunique() / catalogue
    actual = connection.sql("select * from recommendation_evaluation").df().set_index("model")

    assert (actual["customers_evaluated"] == len(evaluated)).all()
    assert actual["hits"].to_dict() == expected["hits"].to_dict()
    for metric in METRICS:
        np.testing.assert_allclose(
            actual[metric].sort_index(), expected[metric].sort_index(), rtol=1e-12, err_msg=metric
        )


def test_blend_is_chosen_on_the_validation_window_by_an_independent_count(generated_build):
    connection, _, _ = generated_build
    offers = connection.sql(
        "select candidate as recommender, customer_id, rank, product_id "
        "from int_recommendation_validation_offers"
    ).df()
    evaluated, expected = independent_window_metrics(connection, offers, "validation")
    weights = connection.sql("select * from recommendation_blend_weights").df()
    weights = weights.set_index("candidate")
    for column in ["validation_start_date", "validation_end_date"]:
        weights[column] = weights[column].dt.date
    holdout_cutoff, holdout_end = connection.sql(
        "select cutoff_date, end_date from int_recommendation_holdout_window"
    ).fetchall()[0]

    # the window ends where the hold-out starts and is as long
    start = weights["validation_start_date"].iloc[0]
    assert (weights["validation_end_date"] == holdout_cutoff).all()
    assert holdout_cutoff - start == holdout_end - holdout_cutoff
    assert len(weights) == 15
    assert (weights[["weight_segment", "weight_rules", "weight_popularity"]].sum(axis=1) == 1).all()
    assert (weights["customers_validated"] == len(evaluated)).all()
    np.testing.assert_allclose(
        weights["validation_hit_rate_at_3"].sort_index(),
        expected["hit_rate_at_3"].sort_index(),
        rtol=1e-12,
    )
    best = expected["hit_rate_at_3"].max()
    chosen = weights[weights["is_chosen"]]
    assert len(chosen) == 1
    assert chosen["validation_hit_rate_at_3"].iloc[0] == pytest.approx(best, rel=1e-12)
    assert (weights["chosen_by"] == "validation").all()


def test_set_weights_are_served_and_evaluated(generated_build, tmp_path):
    connection, raw_dir, _ = generated_build
    popularity_only = (
        "{recommendation_weight_segment: 0, recommendation_weight_rules: 0, "
        "recommendation_weight_popularity: 1.5}"
    )
    database = rebuild_on_copy(
        connection,
        raw_dir,
        tmp_path,
        [
            "int_recommendation_blend_candidates",
            "int_recommendation_validation_offers",
            "recommendation_blend_weights",
            "int_recommendation_holdout_offers",
            "recommendation_evaluation",
            "customer_recommendations",
        ],
        popularity_only,
    )
    with duckdb.connect(str(database), read_only=True) as rebuilt:
        chosen = rebuilt.sql("select * from recommendation_blend_weights where is_chosen").df()
        evaluation = rebuilt.sql("select * from recommendation_evaluation").df()
        served = rebuilt.sql(
            "select served.customer_id, served.product_id, served.score, popular.share "
            "from customer_recommendations as served join ("
            "  select product_id, max(population_buyer_share) as share"
            "  from int_segment_product_affinity group by product_id"
            ") as popular using (product_id)"
        ).df()
    evaluation = evaluation.set_index("model")

    assert chosen[["candidate", "chosen_by"]].to_numpy().tolist() == [["configured", "vars"]]
    assert chosen[["weight_segment", "weight_rules", "weight_popularity"]].to_numpy().tolist() == [
        [0.0, 0.0, 1.5]
    ]
    # a blend of popularity alone offers what the popularity recommender offers
    pd.testing.assert_series_equal(
        evaluation.loc["blended", METRICS], evaluation.loc["popularity", METRICS], check_names=False
    )
    np.testing.assert_allclose(served["score"], 1.5 * served["share"])


def test_a_smaller_evaluation_sample_takes_the_first_eligible_customers_by_hash(
    generated_build, tmp_path
):
    connection, raw_dir, _ = generated_build
    eligible = connection.sql(
        "select distinct customer_id, md5(cast(customer_id as varchar)) as customer_hash "
        "from int_recommendation_holdout_offers"
    ).df()
    sample_size = len(eligible) // 3
    database = rebuild_on_copy(
        connection,
        raw_dir,
        tmp_path,
        ["int_recommendation_holdout_offers", "recommendation_evaluation"],
        f"{{recommendation_evaluation_sample_size: {sample_size}}}",
    )

    with duckdb.connect(str(database), read_only=True) as rebuilt:
        sampled = rebuilt.sql("select * from int_recommendation_holdout_offers").df()
        evaluation = rebuilt.sql("select * from recommendation_evaluation").df()
    by_hash = eligible.sort_values(["customer_hash", "customer_id"])
    expected = set(by_hash["customer_id"][:sample_size])
    full = connection.sql("select * from int_recommendation_holdout_offers").df()

    assert set(sampled["customer_id"]) == expected
    assert (evaluation["customers_evaluated"] == sample_size).all()
    # a sampled customer's offers do not depend on who else is sampled
    pd.testing.assert_frame_equal(
        sampled.sort_values(["recommender", "customer_id", "rank"]).reset_index(drop=True),
        full[full["customer_id"].isin(expected)]
        .sort_values(["recommender", "customer_id", "rank"])
        .reset_index(drop=True),
    )


def test_rules_name_their_products_as_the_products_file_does(generated_build):
    connection, raw_dir, truth_dir = generated_build
    products = pd.read_csv(raw_dir / "raw_products.csv").drop_duplicates("product_id")
    names = dict(zip(products["product_id"], products["name"].str.strip(), strict=True))
    categories = dict(zip(products["product_id"], products["category"], strict=True))
    rules = connection.sql("select * from basket_rules").df()

    assert len(rules) > 0
    assert rules["antecedent_name"].tolist() == [names[i] for i in rules["antecedent"]]
    assert rules["consequent_name"].tolist() == [names[i] for i in rules["consequent"]]
    assert rules["consequent_category"].str.lower().tolist() == [
        categories[i].strip().lower() for i in rules["consequent"]
    ]
    # the planted pairs, by name
    planted = json.loads((truth_dir / "planted.json").read_text())["affinity_pairs"]
    top = rules.sort_values("lift", ascending=False).head(2 * len(planted))
    named = zip(top.antecedent_name, top.consequent_name, strict=True)
    assert {frozenset(pair) for pair in named} == {
        frozenset((names[pair["product_a"]], names[pair["product_b"]])) for pair in planted
    }


def test_dim_products_counts_buyers_and_orders_like_pandas(generated_build):
    connection, _, _ = generated_build
    lines = connection.sql(
        "select items.product_id, items.order_id, items.line_amount, orders.customer_id"
        " from stg_order_items as items inner join stg_orders as orders using (order_id)"
        " where orders.order_status = 'completed'"
    ).df()
    expected = lines.groupby("product_id").agg(
        buyers=("customer_id", "nunique"),
        orders=("order_id", "nunique"),
        revenue=("line_amount", "sum"),
    )
    products = connection.sql("select * from dim_products").df().set_index("product_id")
    catalogue = connection.sql("select product_id from stg_products").df()["product_id"]

    assert sorted(products.index) == sorted(catalogue)
    expected = expected.reindex(products.index, fill_value=0)
    np.testing.assert_array_equal(products["buyers"], expected["buyers"])
    np.testing.assert_array_equal(products["orders"], expected["orders"])
    np.testing.assert_allclose(products["revenue"], expected["revenue"], rtol=1e-9)
