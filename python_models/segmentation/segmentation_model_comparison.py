"""One row per clustering method at the chosen k, scored alike against k-means."""

from customer_intelligence import segmentation


def model(dbt, session):
    dbt.config(materialized="table")
    features = dbt.ref("int_customer_segmentation_features").order("customer_id").to_arrow_table()
    preprocessing = dbt.ref("segment_preprocessing").to_arrow_table()
    selection = dbt.ref("segmentation_model_selection").to_arrow_table()
    if selection.num_rows == 0:
        return segmentation.empty_result("comparison")
    return segmentation.compare_methods(
        segmentation.ScaledTable(features, preprocessing),
        segmentation.chosen_k(selection),
        sample_size=int(dbt.config.get("segmentation_sample_size")),
        seed=int(dbt.config.get("segmentation_seed")),
    )
