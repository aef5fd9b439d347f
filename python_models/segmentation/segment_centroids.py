"""One row per segment and feature: the k-means centroid, started from the previous build's.

Before the new table replaces the old one, the old one (this model's own relation) is read, if
it exists and uses the same features: at the same k the refit starts from its centroids and keeps
their ids, unless a fresh fit is clearly better, whose centroids inherit the ids by Hungarian
matching (segmentation.fit_centroids). Drop the table to refit afresh and renumber by size.
"""

from customer_intelligence import segmentation


def previous_centroids(dbt, session, features):
    """This model's table as the last build left it, or None (first build, other features)."""
    previous = segmentation.previous_build(dbt, session)
    if previous is None:
        return None
    same_features = set(previous.column("feature").to_pylist()) == set(features)
    return previous if same_features else None


def model(dbt, session):
    dbt.config(materialized="table")
    features = dbt.ref("int_customer_segmentation_features").order("customer_id").to_arrow_table()
    preprocessing = dbt.ref("segment_preprocessing").to_arrow_table().to_pandas()
    selection = dbt.ref("segmentation_model_selection").to_arrow_table()
    if selection.num_rows == 0:
        return segmentation.empty_result("centroids")
    return segmentation.fit_centroids(
        features,
        preprocessing,
        segmentation.chosen_k(selection),
        previous_centroids=previous_centroids(dbt, session, preprocessing["feature"]),
        sample_size=int(dbt.config.get("segmentation_fit_sample_size")),
        seed=int(dbt.config.get("segmentation_seed")),
        min_gain=float(dbt.config.get("segmentation_refit_min_gain")),
    )
