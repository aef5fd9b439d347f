"""Segmentation: preprocessing recipe, choice of k, method comparison, stable ids and names."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from sklearn.datasets import make_blobs
from threadpoolctl import threadpool_info

from customer_intelligence import segmentation

REPO = Path(__file__).resolve().parents[1]


def blobs(rows: int = 1_200, centers: int = 4, seed: int = 7) -> np.ndarray:
    matrix, _ = make_blobs(
        n_samples=rows, n_features=4, centers=centers, cluster_std=0.5, random_state=seed
    )
    return matrix


def customers() -> pa.Table:
    return pa.table(
        {
            "customer_id": ["a", "b", "c", "d"],
            "income": [10.0, 30.0, None, 20.0],
            "recency_days": pa.array([5, None, 10, 1], type=pa.int64()),
            "age_years": [20, 30, 40, 50],
        }
    )


def test_prepare_features_logs_money_imputes_and_standardizes():
    matrix, preprocessing = segmentation.prepare_features(
        customers(), ["income", "recency_days", "age_years"]
    )

    assert preprocessing["feature"].tolist() == ["income", "recency_days", "age_years"]
    assert preprocessing["log_transformed"].tolist() == [True, False, False]
    assert preprocessing["impute_rule"].tolist() == ["median", "max_plus_one", "median"]
    # median of 10, 30, 20; largest recency 10 plus one day
    assert preprocessing["impute_value"].tolist() == [20.0, 11.0, 35.0]
    income = np.log1p([10.0, 30.0, 20.0, 20.0])
    recency = np.array([5.0, 11.0, 10.0, 1.0])
    np.testing.assert_allclose(matrix[:, 0], (income - income.mean()) / income.std())
    np.testing.assert_allclose(matrix[:, 1], (recency - recency.mean()) / recency.std())
    np.testing.assert_allclose(preprocessing["mean"], [income.mean(), 6.75, 35.0])


def test_prepare_features_scales_a_skewed_feature_with_negative_values_without_the_log():
    # a bank's balances mapped as income: below zero for some customers
    table = pd.DataFrame(
        {
            "customer_id": [1, 2, 3, 4],
            "income": [-500.0, 0.0, 1500.0, None],
            "monetary": [5.0, 0.0, 20.0, 1.0],
        }
    )

    matrix, preprocessing = segmentation.prepare_features(table, ["income", "monetary"])

    assert preprocessing["log_transformed"].tolist() == [False, True]
    assert preprocessing["impute_value"].tolist() == [0.0, 3.0]
    income = np.array([-500.0, 0.0, 1500.0, 0.0])
    monetary = np.log1p([5.0, 0.0, 20.0, 1.0])
    np.testing.assert_allclose(matrix[:, 0], (income - income.mean()) / income.std())
    np.testing.assert_allclose(matrix[:, 1], (monetary - monetary.mean()) / monetary.std())
    np.testing.assert_allclose(segmentation.apply_preprocessing(table, preprocessing), matrix)


def test_a_recipe_that_logs_a_feature_refuses_negative_values():
    _, preprocessing = segmentation.prepare_features(
        pd.DataFrame({"monetary": [5.0, 0.0]}), ["monetary"]
    )
    table = pd.DataFrame({"customer_id": [1, 2], "monetary": [5.0, -1.0]})

    with pytest.raises(ValueError, match="monetary"):
        segmentation.apply_preprocessing(table, preprocessing)


def test_preprocessing_table_reproduces_the_matrix_in_python_and_sql():
    table = customers()
    features = ["income", "recency_days", "age_years"]
    matrix, preprocessing = segmentation.prepare_features(table.to_pandas(), features)

    np.testing.assert_allclose(segmentation.apply_preprocessing(table, preprocessing), matrix)
    with duckdb.connect() as connection:
        connection.register("customers", table)
        connection.register("preprocessing", preprocessing)
        scaled = connection.sql(
            """
            with long as (
                select *
                from (
                    select customer_id, income::double as income,
                        recency_days::double as recency_days, age_years::double as age_years
                    from customers
                ) unpivot include nulls (value for feature in (income, recency_days, age_years))
            )
            select
                customer_id,
                feature,
                (case when log_transformed then ln(1 + coalesce(value, impute_value))
                    else coalesce(value, impute_value) end - mean) / std as scaled
            from long
            inner join preprocessing using (feature)
            """
        ).to_df()
    wide = scaled.pivot_table(index="customer_id", columns="feature", values="scaled")
    np.testing.assert_allclose(wide.loc[["a", "b", "c", "d"], features].to_numpy(), matrix)


def test_default_features_keep_the_columns_that_vary():
    table = pa.table(
        {
            "customer_id": [1, 2, 3],
            "recency_days": [5, None, 10],
            "frequency": [2, 2, 2],
            "income": pa.array([None, None, None], type=pa.float64()),
            "monetary": [1.0, None, 1.0],
            "web_share": [0.0, 0.5, None],
            "loyalty_points": [1.5, 2.5, 0.5],
            "store_visits": [1, 2, 3],
        }
    )

    # constant (frequency), all null (income), one observed value (monetary) and integer
    # columns own data brings (store_visits) are left out; extra float columns are kept
    assert segmentation.default_features(table) == ["recency_days", "web_share", "loyalty_points"]


def test_scaled_table_rows_are_the_scaled_matrix_rows():
    table = customers()
    matrix, preprocessing = segmentation.prepare_features(table, ["income", "recency_days"])
    rows = segmentation.ScaledTable(table.to_pandas(), preprocessing)

    assert len(rows) == 4
    np.testing.assert_array_equal(rows[np.array([1, 3])], matrix[[1, 3]])


def test_select_k_on_a_scaled_table_equals_select_k_on_its_matrix():
    table = pd.DataFrame(blobs(rows=1_500), columns=["a", "b", "c", "d"])
    matrix, preprocessing = segmentation.prepare_features(table, ["a", "b", "c", "d"], [])

    lazy = segmentation.select_k(
        segmentation.ScaledTable(table, preprocessing), range(2, 5), 400, bootstrap_runs=2
    )

    pd.testing.assert_frame_equal(
        lazy, segmentation.select_k(matrix, range(2, 5), 400, bootstrap_runs=2)
    )


def test_to_original_units_undoes_log_and_scaling():
    table = customers()
    matrix, preprocessing = segmentation.prepare_features(table, ["income", "age_years"])

    original = segmentation.to_original_units(matrix, preprocessing)

    np.testing.assert_allclose(original, [[10, 20], [30, 30], [20, 40], [20, 50]])


def test_find_knee_picks_the_bend_of_a_hand_made_curve():
    # on [0, 1] axes the chord is x + y = 1; the point (0.25, 0.2) lies farthest below it
    assert segmentation.find_knee([0, 1, 2, 3, 4], [1.0, 0.2, 0.1, 0.05, 0.0]) == 1
    assert segmentation.find_knee([2, 3, 4, 5, 6], [900, 800, 700, 100, 90]) == 3


def test_select_k_chooses_the_planted_k_on_separated_blobs():
    scores = segmentation.select_k(blobs(), range(2, 8), sample_size=800, bootstrap_runs=3)

    assert scores.columns.tolist() == [
        "k",
        "inertia",
        "silhouette",
        "davies_bouldin",
        "calinski_harabasz",
        "is_knee",
        "stability",
        "is_chosen",
    ]
    assert scores["is_chosen"].sum() == 1
    assert segmentation.chosen_k(scores) == 4
    assert scores.loc[scores["is_knee"], "k"].tolist() == [4]
    assert scores.loc[scores["k"] == 4, "stability"].item() == pytest.approx(1.0)


def test_select_k_fixed_k_overrides_the_rule():
    scores = segmentation.select_k(
        blobs(), range(2, 6), sample_size=500, bootstrap_runs=1, fixed_k=7
    )

    assert scores["k"].tolist() == [2, 3, 4, 5, 7]
    assert scores.loc[scores["is_chosen"], "k"].tolist() == [7]


@pytest.mark.parametrize(
    ("previous_k", "min_gain", "chosen"),
    [
        (None, 0.02, 4),
        # k = 3 is far behind the planted k's silhouette
        (3, 0.02, 4),
        # k = 5 is within a quarter of it: a new build keeps it
        (5, 0.25, 5),
        # k = 6 is below segmentation_min_stability: never kept
        (6, 1.0, 4),
    ],
)
def test_select_k_keeps_the_previous_k_unless_another_is_clearly_better(
    previous_k, min_gain, chosen
):
    scores = segmentation.select_k(
        blobs(),
        range(2, 7),
        400,
        bootstrap_runs=2,
        min_stability=0.85,
        previous_k=previous_k,
        min_gain=min_gain,
    )

    silhouette, stability = scores.set_index("k")["silhouette"], scores.set_index("k")["stability"]
    assert silhouette[5] >= 0.75 * silhouette[4] and silhouette[3] < 0.98 * silhouette[4]
    assert stability[5] >= 0.85 > stability[6]
    assert segmentation.chosen_k(scores) == chosen


def test_select_k_scores_silhouette_on_the_sample_only(monkeypatch):
    sizes = []

    def recording_silhouette(points, labels):
        sizes.append(len(points))
        return 0.5

    monkeypatch.setattr(segmentation.selection, "silhouette_score", recording_silhouette)

    segmentation.select_k(blobs(rows=2_000), range(2, 5), sample_size=300, bootstrap_runs=1)

    assert sizes == [300, 300, 300]


def test_compare_methods_scores_every_method_against_kmeans():
    comparison = segmentation.compare_methods(blobs(centers=3), k=3, sample_size=600, seed=0)

    assert comparison.columns.tolist() == [
        "method",
        "n_segments",
        "silhouette",
        "davies_bouldin",
        "calinski_harabasz",
        "noise_share",
        "ari_vs_kmeans",
        "fit_seconds",
    ]
    assert comparison["method"].tolist() == [
        "kmeans",
        "gaussian_mixture",
        "agglomerative_ward",
        "dbscan",
    ]
    kmeans = comparison.set_index("method").loc["kmeans"]
    assert kmeans["ari_vs_kmeans"] == 1.0
    assert kmeans["noise_share"] == 0.0
    assert kmeans["n_segments"] == 3
    # three well-separated blobs: every method finds the same partition, up to DBSCAN's noise
    assert (comparison["ari_vs_kmeans"] > 0.9).all()
    assert comparison["noise_share"].between(0, 0.1).all()


def test_compare_methods_on_a_scaled_table_equals_compare_methods_on_its_matrix():
    table = pd.DataFrame(blobs(rows=900, centers=3), columns=["a", "b", "c", "d"])
    matrix, preprocessing = segmentation.prepare_features(table, ["a", "b", "c", "d"], [])

    lazy = segmentation.compare_methods(
        segmentation.ScaledTable(table, preprocessing), k=3, sample_size=300
    )

    eager = segmentation.compare_methods(matrix, k=3, sample_size=300)
    pd.testing.assert_frame_equal(
        lazy.drop(columns="fit_seconds"), eager.drop(columns="fit_seconds")
    )


def test_align_to_previous_maps_permuted_centroids_back_to_their_ids():
    previous = np.array([[0.0, 0.0], [5.0, 5.0], [10.0, 0.0]])
    moved = previous[[2, 0, 1]] + 0.1

    ids = segmentation.align_to_previous(moved, previous, previous_ids=[11, 12, 13])

    assert ids.tolist() == [13, 11, 12]


def test_align_to_previous_gives_an_extra_centroid_a_fresh_id():
    previous = np.array([[0.0, 0.0], [5.0, 5.0]])
    new = np.array([[5.1, 5.0], [20.0, 20.0], [0.0, 0.2]])

    assert segmentation.align_to_previous(new, previous).tolist() == [2, 3, 1]


def test_refit_on_shuffled_rows_keeps_segment_ids():
    rows = blobs(centers=3)
    table = pd.DataFrame(rows, columns=["a", "b", "c", "d"])
    _, preprocessing = segmentation.prepare_features(table, ["a", "b", "c", "d"], log_features=[])
    first = segmentation.fit_centroids(table, preprocessing, k=3, seed=0)
    shuffled = table.sample(frac=1.0, random_state=1)

    second = segmentation.fit_centroids(
        shuffled, preprocessing, k=3, previous_centroids=pa.Table.from_pandas(first), seed=5
    )

    assert second["segment_id"].tolist() == first["segment_id"].tolist()
    np.testing.assert_allclose(second["centroid_scaled"], first["centroid_scaled"], atol=1e-6)


def blob_table(rows: int = 1_200, centers: int = 4, seed: int = 7) -> pd.DataFrame:
    """Blobs with customer ids that are not row positions, and their recipe."""
    table = pd.DataFrame(blobs(rows, centers, seed), columns=["a", "b", "c", "d"])
    return table.assign(customer_id=np.arange(rows) * 7 + 3)


def recipe(table: pd.DataFrame) -> pd.DataFrame:
    return segmentation.prepare_features(table, ["a", "b", "c", "d"], log_features=[])[1]


def test_stable_sample_depends_on_customer_ids_not_row_positions():
    table = pa.Table.from_pandas(blob_table())
    ids = table.column("customer_id").to_numpy()
    sampled = set(ids[segmentation.stable_sample(table, 100, seed=3)])
    # two sampled customers leave, and two who were not sampled
    leaving = sorted(sampled)[:2] + [int(i) for i in ids if i not in sampled][:2]
    remaining = table.filter(~table.to_pandas()["customer_id"].isin(leaving).to_numpy())
    shuffled = remaining.take(np.random.default_rng(1).permutation(remaining.num_rows))

    resampled = set(
        shuffled.column("customer_id").to_numpy()[segmentation.stable_sample(shuffled, 100, 3)]
    )

    assert len(resampled) == 100
    # everyone sampled who stayed is still sampled; two others take the two places
    assert sampled - set(leaving) <= resampled and len(resampled - sampled) == 2
    assert set(ids[segmentation.stable_sample(table, 100, seed=4)]) != sampled


def test_choosing_k_and_comparing_methods_sample_by_customer_id_not_row_position():
    table = blob_table(rows=1_500)
    preprocessing = recipe(table)
    sampled = set(
        table["customer_id"].to_numpy()[
            segmentation.stable_sample(pa.Table.from_pandas(table), 300, seed=0)
        ]
    )
    # three customers outside the sample leave; the others' rows move up
    leaving = [customer for customer in table["customer_id"] if customer not in sampled][:3]
    remaining = table[~table["customer_id"].isin(leaving)].reset_index(drop=True)

    def scores(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        scaled = segmentation.ScaledTable(rows, preprocessing)
        selection = segmentation.select_k(scaled, range(2, 5), 300, bootstrap_runs=2)
        comparison = segmentation.compare_methods(scaled, k=4, sample_size=300)
        return selection, comparison.drop(columns="fit_seconds")

    for before, after in zip(scores(table), scores(remaining), strict=True):
        pd.testing.assert_frame_equal(before, after)


def test_a_refit_after_a_few_customers_leave_starts_from_the_previous_centroids():
    table = blob_table(centers=5)
    first = segmentation.fit_centroids(table, recipe(table), k=5)
    smaller = table.drop(index=np.arange(0, 1_200, 200))
    smaller_recipe = recipe(smaller)

    second = segmentation.fit_centroids(smaller, smaller_recipe, k=5, previous_centroids=first)

    ids, previous = segmentation.centroids_from_table(first, smaller_recipe)
    _, refitted = segmentation.centroids_from_table(second, smaller_recipe)
    matrix = segmentation.apply_preprocessing(smaller, smaller_recipe)
    moved = (
        ids[segmentation.assign_nearest(matrix, previous)]
        != ids[segmentation.assign_nearest(matrix, refitted)]
    )
    assert set(second["fit_start"]) == {"previous"}
    assert second["segment_id"].tolist() == first["segment_id"].tolist()
    segments = second.drop_duplicates("segment_id")
    assert segments["customers_moved_in"].sum() == moved.sum() <= 0.01 * len(smaller)
    assert first["customers_moved_in"].isna().all() and set(first["fit_start"]) == {"fresh"}


def stuck_centroids(table: pd.DataFrame) -> pd.DataFrame:
    """A previous fit of three well separated blobs caught in a local minimum: two centroids
    split one blob, one sits between the other two."""
    fitted = segmentation.fit_centroids(table, recipe(table), k=3)
    ids, centroids = segmentation.centroids_from_table(fitted, recipe(table))
    spread = np.array([[-0.1, 0, 0, 0], [0.1, 0, 0, 0]])
    stuck = np.vstack([centroids[0] + spread, centroids[1:].mean(axis=0)])
    return segmentation.centroid_table(stuck, ids, recipe(table))


@pytest.mark.parametrize(("min_gain", "fit_start"), [(0.02, "fresh"), (1.0, "previous")])
def test_a_clearly_better_fresh_fit_replaces_a_refit_stuck_in_a_local_minimum(min_gain, fit_start):
    table = blob_table(rows=900, centers=3)
    previous = stuck_centroids(table)
    stuck = segmentation.refit_from(
        segmentation.apply_preprocessing(table, recipe(table)),
        segmentation.centroids_from_table(previous, recipe(table))[1],
    )
    matrix = segmentation.apply_preprocessing(table, recipe(table))
    fresh = segmentation.fit_kmeans(matrix, 3)

    refit = segmentation.fit_centroids(
        table, recipe(table), k=3, previous_centroids=previous, min_gain=min_gain
    )

    # the stuck refit really is clearly worse, or the test proves nothing
    assert segmentation.inertia(matrix, fresh) < 0.5 * segmentation.inertia(matrix, stuck)
    assert set(refit["fit_start"]) == {fit_start}
    assert sorted(refit["segment_id"].unique()) == [1, 2, 3]


def test_a_refit_at_another_k_is_fresh_and_gives_the_new_segment_a_new_id():
    table = blob_table(centers=4)
    first = segmentation.fit_centroids(table, recipe(table), k=3)

    second = segmentation.fit_centroids(table, recipe(table), k=4, previous_centroids=first)

    assert set(second["fit_start"]) == {"fresh"}
    assert sorted(second["segment_id"].unique()) == [1, 2, 3, 4]


def test_a_rebuild_on_the_same_data_returns_the_same_centroids():
    table = blob_table(centers=5)
    first = segmentation.fit_centroids(table, recipe(table), k=5)

    second = segmentation.fit_centroids(table, recipe(table), k=5, previous_centroids=first)

    np.testing.assert_allclose(second["centroid_scaled"], first["centroid_scaled"], atol=1e-9)
    assert set(second["fit_start"]) == {"previous"}
    assert second["customers_moved_in"].sum() == 0


def test_sql_nearest_centroid_matches_assign_nearest():
    rows = blobs(rows=500, centers=3)
    table = pd.DataFrame(rows, columns=["a", "b", "c", "d"]).assign(customer_id=range(500))
    matrix, preprocessing = segmentation.prepare_features(table, ["a", "b", "c", "d"], [])
    centroids = segmentation.fit_centroids(table, preprocessing, k=3)
    segment_ids, scaled = segmentation.centroids_from_table(centroids, preprocessing)
    expected = segment_ids[segmentation.assign_nearest(matrix, scaled)]

    with duckdb.connect() as connection:
        connection.register("features", table)
        connection.register("preprocessing", preprocessing)
        connection.register("centroids", centroids)
        assigned = connection.sql(
            """
            with long as (
                select *
                from features unpivot include nulls (value for feature in (a, b, c, d))
            ),
            scaled as (
                select customer_id, feature, (coalesce(value, impute_value) - mean) / std as z
                from long inner join preprocessing using (feature)
            ),
            distances as (
                select customer_id, segment_id, sum((z - centroid_scaled) ^ 2) as distance
                from scaled inner join centroids using (feature)
                group by customer_id, segment_id
            )
            select customer_id, arg_min(segment_id, distance) as segment_id
            from distances group by customer_id order by customer_id
            """
        ).to_df()

    np.testing.assert_array_equal(assigned["segment_id"].to_numpy(), expected)


def test_two_runs_give_identical_labels():
    rows = blobs(rows=3_000)

    labels = [
        segmentation.assign_nearest(rows, segmentation.fit_kmeans(rows, 5, sample_size=1_000))
        for _ in range(2)
    ]
    scores = [segmentation.select_k(rows, range(2, 5), 500, bootstrap_runs=2) for _ in range(2)]

    np.testing.assert_array_equal(labels[0], labels[1])
    pd.testing.assert_frame_equal(scores[0], scores[1])


def test_fits_run_on_one_thread(monkeypatch):
    """dbt runs another model beside these fits: threads waiting for a busy core spin."""
    threads = []
    real_silhouette = segmentation.selection.silhouette_score

    def recording_silhouette(points, labels):
        threads.append(max(pool["num_threads"] for pool in threadpool_info()))
        return real_silhouette(points, labels)

    class RecordingKMeans(segmentation.kmeans.KMeans):
        def fit(self, *args, **kwargs):
            threads.append(max(pool["num_threads"] for pool in threadpool_info()))
            return super().fit(*args, **kwargs)

    monkeypatch.setattr(segmentation.selection, "silhouette_score", recording_silhouette)
    monkeypatch.setattr(segmentation.kmeans, "KMeans", RecordingKMeans)
    rows = blobs(rows=600)

    segmentation.select_k(rows, range(2, 4), sample_size=300, bootstrap_runs=1)
    segmentation.compare_methods(rows, k=3, sample_size=300)
    segmentation.fit_kmeans(rows, 3)

    assert len(threads) > 10
    assert set(threads) == {1}


def test_fit_kmeans_puts_the_largest_segment_first():
    small, _ = make_blobs(n_samples=[100, 400, 250], n_features=2, cluster_std=0.3, random_state=3)

    labels = segmentation.assign_nearest(small, segmentation.fit_kmeans(small, 3))

    assert np.bincount(labels).tolist() == [400, 250, 100]


def test_segment_profile_indexes_segment_means_against_the_population():
    table = pd.DataFrame({"monetary": [10.0, 30.0, 20.0, None], "frequency": [1, 1, 4, 2]})

    profile = segmentation.segment_profile(table, [1, 1, 2, 2], ["monetary", "frequency"])

    assert profile["segment_id"].tolist() == [1, 1, 2, 2]
    assert profile["customers"].tolist() == [2, 2, 2, 2]
    assert profile["feature"].tolist() == ["monetary", "frequency", "monetary", "frequency"]
    # population means 20 (nulls skipped) and 2
    np.testing.assert_allclose(profile["index"], [100, 50, 100, 150])


NAMING_RULES = pd.DataFrame(
    {
        "precedence": [1, 2, 3, 4],
        "segment_name": ["Lapsed Customers", "High Spenders", "Digital Enthusiasts", "Budget"],
        "feature": ["recency_days", "monetary", "web_share", "monetary"],
        "operator": [">=", ">=", ">=", "<="],
        "threshold": [150, 150, 150, 70],
        "description": ["lapsed", "spend", "web", "budget"],
    }
)


def test_name_segments_gives_each_rule_to_its_most_extreme_unnamed_segment():
    indexes = {
        1: {"recency_days": 200, "monetary": 50, "web_share": 100},
        2: {"recency_days": 160, "monetary": 60, "web_share": 90},
        3: {"recency_days": 80, "monetary": 180, "web_share": 170},
        4: {"recency_days": 90, "monetary": 90, "web_share": 160},
        5: {"recency_days": 100, "monetary": 100, "web_share": 100},
    }
    profile = pd.DataFrame(
        [
            {"segment_id": segment, "feature": feature, "index": index}
            for segment, features in indexes.items()
            for feature, index in features.items()
        ]
    )

    names = segmentation.name_segments(profile, NAMING_RULES.iloc[::-1])

    assert names["segment_name"].tolist() == [
        "Lapsed Customers",
        "Budget",
        "High Spenders",
        "Digital Enthusiasts",
        "Segment 5: Mixed",
    ]
    assert names["naming_index"].tolist()[:4] == [200, 60, 180, 160]
    assert names["segment_name"].is_unique


def test_name_segments_rejects_rules_that_share_a_name():
    rules = NAMING_RULES.assign(segment_name="Same")
    profile = pd.DataFrame({"segment_id": [1], "feature": ["monetary"], "index": [200.0]})

    with pytest.raises(ValueError, match="unique"):
        segmentation.name_segments(profile, rules)


def test_bundled_naming_rules_seed_is_valid_for_the_default_features():
    rules = pd.read_csv(REPO / "seeds" / "segment_naming_rules.csv")

    assert rules.columns.tolist() == [
        "precedence",
        "segment_name",
        "feature",
        "operator",
        "threshold",
        "description",
    ]
    assert rules["precedence"].is_unique
    assert rules["segment_name"].is_unique
    assert set(rules["operator"]) <= {">=", "<="}
    # the mall_customers format's features (input_mall_features; test_own_data builds with them)
    mall_features = {"age", "annual_income_k", "spending_score"}
    assert set(rules["feature"]) <= set(segmentation.DEFAULT_FEATURES) | mall_features
