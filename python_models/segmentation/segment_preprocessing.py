"""One row per segmentation feature: how it is imputed, log-transformed and standardized."""

from customer_intelligence import segmentation


def model(dbt, session):
    dbt.config(materialized="table")
    features = dbt.ref("int_customer_segmentation_features").order("customer_id").to_arrow_table()
    names = dbt.config.get("segmentation_features") or segmentation.default_features(features)
    if features.num_rows == 0 or not names:
        return segmentation.empty_result("preprocessing")
    _, preprocessing = segmentation.prepare_features(features, list(names))
    return preprocessing
