"""K-means segments on a generated data set: planted personas, SQL vs Python, stable ids."""

from __future__ import annotations

import hashlib
import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from conftest import copy_project, run_dbt
from customer_intelligence import segmentation

pytestmark = pytest.mark.e2e


def test_segments_recover_the_planted_personas(generated_build):
    connection, _, truth_dir = generated_build
    segments = connection.sql("select customer_id, segment_id from customer_segments").df()
    personas = pd.read_csv(truth_dir / "personas.csv")

    joined = segments.merge(personas, on="customer_id", validate="one_to_one")

    assert len(joined) == len(segments)
    assert adjusted_rand_score(joined["persona"], joined["segment_id"]) >= 0.8


def test_every_customer_has_exactly_one_segment(generated_build):
    connection, _, _ = generated_build
    customers = connection.sql("select customer_id from dim_customers").df()
    segments = connection.sql("select customer_id, segment_id from customer_segments").df()

    assert segments["customer_id"].is_unique
    assert sorted(segments["customer_id"]) == sorted(customers["customer_id"])
    assert segments["segment_id"].notna().all()


def test_segment_names_are_unique_and_one_per_segment(generated_build):
    connection, _, _ = generated_build
    summaries = connection.sql("select segment_id, segment_name from segment_summaries").df()
    names_used = connection.sql(
        "select distinct segment_id, segment_name from customer_segments"
    ).df()

    assert summaries["segment_name"].is_unique
    assert names_used["segment_id"].is_unique
    assert set(names_used.itertuples(index=False)) <= set(summaries.itertuples(index=False))


def test_exactly_one_k_is_chosen_and_used(generated_build):
    connection, _, _ = generated_build
    selection = connection.sql("select * from segmentation_model_selection").df()
    centroid_segments = connection.sql(
        "select count(distinct segment_id) from segment_centroids"
    ).fetchall()[0][0]

    assert selection["is_chosen"].sum() == 1
    assert segmentation.chosen_k(selection) == centroid_segments


def test_sql_assignment_matches_python_assign_nearest(generated_build):
    connection, _, _ = generated_build
    features = connection.sql(
        "select * from int_customer_segmentation_features order by customer_id"
    ).to_arrow_table()
    preprocessing = connection.sql("select * from segment_preprocessing").df()
    centroids = connection.sql("select * from segment_centroids").df()
    assigned = connection.sql(
        "select customer_id, segment_id, distance_to_centroid from customer_segments"
        " order by customer_id"
    ).df()
    wide = centroids.pivot_table(
        index="segment_id", columns="feature", values="centroid_scaled", aggfunc="first"
    )
    scaled_centroids = wide[preprocessing["feature"].tolist()].to_numpy()
    matrix = segmentation.apply_preprocessing(features, preprocessing)

    nearest = segmentation.assign_nearest(matrix, scaled_centroids)

    np.testing.assert_array_equal(
        features.column("customer_id").to_numpy(), assigned["customer_id"]
    )
    np.testing.assert_array_equal(wide.index.to_numpy()[nearest], assigned["segment_id"])
    np.testing.assert_allclose(
        np.linalg.norm(matrix - scaled_centroids[nearest], axis=1),
        assigned["distance_to_centroid"],
        rtol=1e-9,
        atol=1e-9,
    )


def test_rebuild_keeps_the_previous_builds_segment_ids(generated_build, tmp_path):
    """Renumber the stored centroids, refit: every customer keeps the renumbered id."""
    connection, raw_dir, _ = generated_build
    before = connection.sql(
        "select customer_id, segment_id, segment_name from customer_segments"
    ).df()
    database = tmp_path / "db" / "build.duckdb"  # same file name: views name their catalog
    database.parent.mkdir()
    built = connection.sql("select path from duckdb_databases() where not internal").fetchall()
    shutil.copy2(built[0][0], database)
    with duckdb.connect(str(database)) as copy:
        copy.execute("update segment_centroids set segment_id = 100 - segment_id")
    project = copy_project(tmp_path / "project", raw_dir)

    result = run_dbt(project, "build", "-s", "segment_centroids+", database=database)

    assert result.returncode == 0, result.stdout[-4000:]
    with duckdb.connect(str(database), read_only=True) as rebuilt:
        after = rebuilt.sql(
            "select customer_id, segment_id, segment_name from customer_segments"
        ).df()
    joined = before.merge(after, on="customer_id", suffixes=("_before", "_after"))
    assert len(joined) == len(before) == len(after)
    np.testing.assert_array_equal(joined["segment_id_after"], 100 - joined["segment_id_before"])
    # a segment no rule names is called after its id
    expected_names = [
        f"Segment {100 - old}: Mixed" if name == f"Segment {old}: Mixed" else name
        for old, name in zip(
            joined["segment_id_before"], joined["segment_name_before"], strict=True
        )
    ]
    assert joined["segment_name_after"].tolist() == expected_names


def test_rfm_mix_accounts_for_every_segment_customer(generated_build):
    connection, _, _ = generated_build
    mismatches = connection.sql(
        "select summaries.segment_id from segment_summaries as summaries "
        "left join (select segment_id, sum(customers) as customers, sum(share_of_segment) as share "
        "from segment_rfm_mix group by segment_id) as mix using (segment_id) "
        "where summaries.customers > 0 and (mix.customers is distinct from summaries.customers "
        "or abs(mix.share - 1) > 1e-9)"
    ).fetchall()
    assert mismatches == []


def test_segment_medians_come_from_a_fixed_sample_and_means_from_everyone(
    generated_build, tmp_path
):
    """With segment_median_sample_size 25, each segment's medians are those of its 25 customers
    with the smallest MD5 of customer_id (computed here in pandas); means still cover everyone."""
    connection, raw_dir, _ = generated_build
    database = tmp_path / "db" / "build.duckdb"  # same file name: views name their catalog
    database.parent.mkdir()
    built = connection.sql("select path from duckdb_databases() where not internal").fetchall()
    shutil.copy2(built[0][0], database)
    project = copy_project(tmp_path / "project", raw_dir)

    result = run_dbt(
        project,
        "run",
        "-s",
        "int_segment_feature_profiles",
        "--vars",
        "{segment_median_sample_size: 25}",
        database=database,
    )

    assert result.returncode == 0, result.stdout[-4000:]
    with duckdb.connect(str(database), read_only=True) as rebuilt:
        profiles = rebuilt.sql("select * from int_segment_feature_profiles").df()
        values = rebuilt.sql(
            "select assignments.segment_id, feature_values.* from int_customer_feature_values "
            "as feature_values inner join int_customer_segment_assignments as assignments "
            "using (customer_id)"
        ).df()
    values["digest"] = (
        values["customer_id"].astype(str).map(lambda text: hashlib.md5(text.encode()).hexdigest())
    )
    first_by_digest = (
        values[["segment_id", "customer_id", "digest"]]
        .drop_duplicates()
        .sort_values(["digest", "customer_id"])
        .groupby("segment_id")
        .head(25)
    )
    sampled = values[values["customer_id"].isin(first_by_digest["customer_id"])]
    expected_medians = sampled.groupby(["segment_id", "feature"])["feature_value"].median()
    expected_means = values.groupby(["segment_id", "feature"])["feature_value"].mean()
    stored = profiles.set_index(["segment_id", "feature"])
    all_medians = values.groupby(["segment_id", "feature"])["feature_value"].median()
    assert (values.groupby("segment_id")["customer_id"].nunique() > 25).all()
    np.testing.assert_allclose(
        stored["segment_median"], expected_medians.loc[stored.index], rtol=1e-9
    )
    np.testing.assert_allclose(stored["segment_mean"], expected_means.loc[stored.index], rtol=1e-9)
    # the sample matters: over every customer, the medians differ
    assert not np.allclose(stored["segment_median"], all_medians.loc[stored.index], equal_nan=True)
