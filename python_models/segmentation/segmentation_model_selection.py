"""One row per candidate k: fit quality, stability and which k the segmentation uses."""

from customer_intelligence import segmentation


def model(dbt, session):
    dbt.config(materialized="table")
    # dbt finds config keys by parsing literal dbt.config.get calls: keep each call on its own
    k_min = int(dbt.config.get("segmentation_k_min"))
    k_max = int(dbt.config.get("segmentation_k_max"))
    fixed_k = dbt.config.get("segmentation_fixed_k")
    features = dbt.ref("int_customer_segmentation_features").order("customer_id").to_arrow_table()
    preprocessing = dbt.ref("segment_preprocessing").to_arrow_table()
    if preprocessing.num_rows == 0:
        return segmentation.empty_result("selection")
    previous = segmentation.previous_build(dbt, session)
    previous_k = (
        segmentation.chosen_k(previous) if previous is not None and previous.num_rows else None
    )
    return segmentation.select_k(
        segmentation.ScaledTable(features, preprocessing),
        k_range=range(k_min, k_max + 1),
        sample_size=int(dbt.config.get("segmentation_sample_size")),
        bootstrap_runs=int(dbt.config.get("segmentation_bootstrap_runs")),
        seed=int(dbt.config.get("segmentation_seed")),
        min_stability=float(dbt.config.get("segmentation_min_stability")),
        fixed_k=None if fixed_k is None else int(fixed_k),
        previous_k=previous_k,
        min_gain=float(dbt.config.get("segmentation_refit_min_gain")),
    )
