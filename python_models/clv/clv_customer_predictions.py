"""One row per calibrated customer: P(alive), expected purchases and expected order value."""

from customer_intelligence import clv


def model(dbt, session):
    dbt.config(materialized="table")
    statistics = dbt.ref("int_clv_customer_statistics").order("customer_id").to_arrow_table()
    params = dbt.ref("clv_model_params").to_arrow_table()
    holdout_weeks = statistics.column("holdout_weeks")
    return clv.predictions_table(
        statistics,
        params,
        horizon_weeks=float(dbt.config.get("clv_horizon_weeks")),
        monthly_discount_rate=float(dbt.config.get("clv_monthly_discount_rate")),
        holdout_weeks=float(holdout_weeks[0].as_py()) if len(holdout_weeks) else 0.0,
    )
