"""One row: the fitted BG/NBD and Gamma-Gamma parameters and the calibration window."""

from customer_intelligence import clv


def model(dbt, session):
    dbt.config(materialized="table")
    sample_size = dbt.config.get("clv_fit_sample_size")
    statistics = dbt.ref("int_clv_customer_statistics").order("customer_id").to_arrow_table()
    return clv.fit_table(
        statistics,
        data_name="int_clv_customer_statistics",
        seed=int(dbt.config.get("clv_seed")),
        sample_size=None if sample_size is None else int(sample_size),
    )
