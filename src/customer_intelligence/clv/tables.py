"""The tables the dbt Python models return: clv_model_params (both fits) and the per-customer
predictions, and simulated int_clv_customer_statistics for tests and the benchmark."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from customer_intelligence.clv.bgnbd import (
    BgNbdParams,
    discounted_expected_purchases,
    expected_purchases,
    fit_bgnbd,
    p_alive,
    simulate_bgnbd,
)
from customer_intelligence.clv.gamma_gamma import (
    GammaGammaParams,
    expected_order_value,
    fit_gamma_gamma,
    simulate_gamma_gamma,
)

# customer_lifetime_value.expected_purchases_90d
NEXT_90_DAYS_WEEKS = 90 / 7


def simulate_statistics(
    customers: int,
    *,
    seed: int,
    bgnbd: dict[str, float],
    gamma_gamma: dict[str, float],
    max_age_days: int = 546,
) -> pa.Table:
    """int_clv_customer_statistics of customers drawn from both processes, measured in whole
    days as the build measures them: first purchases spread over max_age_days before the
    calibration end."""
    rng = np.random.default_rng(seed)
    T = np.floor(rng.uniform(7, max_age_days, customers)) / 7
    x, t_x = simulate_bgnbd(**bgnbd, T=T, seed=seed + 1)
    mean_value = simulate_gamma_gamma(**gamma_gamma, x=x, seed=seed + 2)
    calibration_end = np.datetime64("2025-01-01")
    return pa.table(
        {
            "customer_id": np.arange(customers),
            "repeat_purchases": x,
            "recency_weeks": np.floor(t_x * 7) / 7,
            "age_weeks": T,
            "mean_repeat_value": pa.array(mean_value, from_pandas=True),
            "first_purchase_on": calibration_end - np.rint(T * 7).astype("timedelta64[D]"),
            "calibration_end": np.full(customers, calibration_end),
        }
    )


def _doubles(*names: str) -> list[tuple[str, pa.DataType]]:
    return [(name, pa.float64()) for name in names]


# parameters, log-likelihoods and predictions are doubles
PARAMS_SCHEMA = pa.schema(
    [
        *_doubles("r", "alpha", "a", "b", "bgnbd_log_likelihood"),
        *_doubles("p", "q", "v", "gamma_gamma_log_likelihood"),
        ("customers", pa.int64()),
        ("repeat_buyers", pa.int64()),
        ("first_purchase_on", pa.date32()),
        ("calibration_end", pa.date32()),
    ]
)
PREDICTIONS_SCHEMA = pa.schema(
    [
        ("customer_id", pa.int64()),
        *_doubles("p_alive", "expected_purchases", "expected_purchases_90d"),
        *_doubles("discounted_expected_purchases", "expected_holdout_purchases"),
        *_doubles("expected_order_value"),
    ]
)


def fit_table(
    statistics: pa.Table, *, data_name: str, seed: int = 0, sample_size: int | None = None
) -> pa.Table:
    """clv_model_params: one row with both models' parameters and the calibration window.

    Both models are fitted on every customer unless ``sample_size`` is set and there are more
    customers: then on a seeded random sample of that many. Without customers (own data without
    orders) the table is empty: the models are switched off.
    """
    if statistics.num_rows == 0:
        return PARAMS_SCHEMA.empty_table()
    if sample_size is not None and statistics.num_rows > sample_size:
        rows = np.random.default_rng(seed).choice(statistics.num_rows, sample_size, replace=False)
        statistics = statistics.take(np.sort(rows))
    x, t_x, T, mean_values = _floats(
        statistics, "repeat_purchases", "recency_weeks", "age_weeks", "mean_repeat_value"
    )
    bgnbd = fit_bgnbd(x, t_x, T, data_name=data_name, seed=seed)
    # without amounts (a transaction log may have none) the spend model is switched off
    spend = (
        fit_gamma_gamma(x, mean_values, data_name=data_name, seed=seed)
        if np.any((x > 0) & (np.nan_to_num(mean_values) > 0))
        else GammaGammaParams(None, None, None, None)
    )
    return pa.Table.from_pydict(
        {
            "r": [bgnbd.r],
            "alpha": [bgnbd.alpha],
            "a": [bgnbd.a],
            "b": [bgnbd.b],
            "bgnbd_log_likelihood": [bgnbd.log_likelihood],
            "p": [spend.p],
            "q": [spend.q],
            "v": [spend.v],
            "gamma_gamma_log_likelihood": [spend.log_likelihood],
            "customers": [len(x)],
            "repeat_buyers": [int((x > 0).sum())],
            "first_purchase_on": [pc.min(statistics.column("first_purchase_on"))],
            "calibration_end": [statistics.column("calibration_end")[0]],
        },
        schema=PARAMS_SCHEMA,
    )


def predictions_table(
    statistics: pa.Table,
    params: pa.Table,
    *,
    horizon_weeks: float,
    monthly_discount_rate: float,
    holdout_weeks: float,
) -> pa.Table:
    """One row per customer: P(alive) and expected purchases over the horizon and the holdout."""
    if statistics.num_rows == 0 or params.num_rows == 0:
        return PREDICTIONS_SCHEMA.empty_table()
    fitted = params.to_pylist()[0]
    bgnbd = BgNbdParams(*(fitted[name] for name in ("r", "alpha", "a", "b")), math.nan)
    spend = GammaGammaParams(*(fitted[name] for name in ("p", "q", "v")), math.nan)
    x, t_x, T, mean_values = _floats(
        statistics, "repeat_purchases", "recency_weeks", "age_weeks", "mean_repeat_value"
    )
    order_values = (
        expected_order_value(spend, x, mean_values)
        if spend.p is not None
        else np.full(len(x), np.nan)
    )
    return pa.Table.from_pydict(
        {
            "customer_id": statistics.column("customer_id"),
            "p_alive": p_alive(bgnbd, x, t_x, T),
            "expected_purchases": expected_purchases(bgnbd, horizon_weeks, x, t_x, T),
            "expected_purchases_90d": expected_purchases(bgnbd, NEXT_90_DAYS_WEEKS, x, t_x, T),
            "discounted_expected_purchases": discounted_expected_purchases(
                bgnbd,
                x,
                t_x,
                T,
                horizon_weeks=horizon_weeks,
                monthly_discount_rate=monthly_discount_rate,
            ),
            "expected_holdout_purchases": expected_purchases(bgnbd, holdout_weeks, x, t_x, T),
            # NaN (no spend model) becomes null
            "expected_order_value": pa.array(order_values, from_pandas=True),
        },
        schema=PREDICTIONS_SCHEMA,
    )


def _floats(table: pa.Table, *names: str) -> list[np.ndarray]:
    """The named columns as float arrays, nulls as NaN: straight from Arrow, as Python objects
    (to_pydict) a million customers' columns took seconds each."""
    return [
        pc.cast(table.column(name), pa.float64()).to_numpy(zero_copy_only=False) for name in names
    ]
