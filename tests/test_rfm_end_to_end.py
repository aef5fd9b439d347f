"""customer_rfm on a generated data set against an independent pandas computation."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.e2e


def cut_point_scores(values: pd.Series, higher_is_better: bool) -> np.ndarray:
    """1 + the 20/40/60/80% quantiles (numpy's linear ones) the value beats, strictly."""
    values = values.to_numpy(dtype=float)
    cuts = np.quantile(values, [0.2, 0.4, 0.6, 0.8])
    beats = np.greater if higher_is_better else np.less
    return 1 + beats(values[:, np.newaxis], cuts[np.newaxis, :]).sum(axis=1)


def expected_rfm(connection) -> pd.DataFrame:
    orders = connection.sql("select * from stg_orders").df()
    items = connection.sql("select * from stg_order_items").df()
    customers = connection.sql("select customer_id from dim_customers").df()
    segment_map = connection.sql("select * from rfm_segment_map order by precedence").df()

    amounts = items.groupby("order_id", as_index=False)["line_amount"].sum()
    revenue = orders[orders["order_status"] == "completed"].merge(amounts, on="order_id")
    as_of = revenue["ordered_on"].max() + pd.Timedelta(days=1)
    per_customer = revenue.groupby("customer_id").agg(
        last_order_date=("ordered_on", "max"),
        frequency=("order_id", "nunique"),
        monetary=("line_amount", "sum"),
    )
    rfm = customers.merge(per_customer, on="customer_id", how="left")
    rfm["recency_days"] = (as_of - rfm["last_order_date"]).dt.days
    rfm["frequency"] = rfm["frequency"].fillna(0).astype(int)
    rfm["monetary"] = rfm["monetary"].fillna(0.0)

    buyers = rfm[rfm["frequency"] > 0].copy()
    buyers["r_score"] = cut_point_scores(buyers["recency_days"], higher_is_better=False)
    buyers["f_score"] = cut_point_scores(buyers["frequency"], higher_is_better=True)
    buyers["m_score"] = cut_point_scores(buyers["monetary"], higher_is_better=True)
    buyers["rfm_segment"] = None
    for row in segment_map.itertuples():  # a dozen map rows, not customer rows
        if pd.isna(row.r_min):
            continue
        unassigned = buyers["rfm_segment"].isna()
        matches = (
            unassigned
            & buyers["r_score"].between(row.r_min, row.r_max)
            & buyers["f_score"].between(row.f_min, row.f_max)
            & buyers["m_score"].between(row.m_min, row.m_max)
        )
        buyers.loc[matches, "rfm_segment"] = row.rfm_segment
    no_orders = segment_map.loc[segment_map["r_min"].isna(), "rfm_segment"].iloc[0]
    rfm = rfm.merge(
        buyers[["customer_id", "r_score", "f_score", "m_score", "rfm_segment"]],
        on="customer_id",
        how="left",
    )
    rfm["rfm_segment"] = rfm["rfm_segment"].fillna(no_orders)
    return rfm.set_index("customer_id").sort_index()


def test_rfm_matches_an_independent_pandas_computation(generated_build):
    connection, _, _ = generated_build
    actual = connection.sql("select * from customer_rfm").df().set_index("customer_id").sort_index()
    expected = expected_rfm(connection)

    assert actual.index.equals(expected.index)
    pd.testing.assert_series_equal(actual["frequency"], expected["frequency"], check_dtype=False)
    np.testing.assert_allclose(actual["monetary"], expected["monetary"], rtol=1e-9)
    np.testing.assert_array_equal(
        actual["recency_days"].fillna(-1).to_numpy(), expected["recency_days"].fillna(-1).to_numpy()
    )
    for score in ("r_score", "f_score", "m_score"):
        np.testing.assert_array_equal(
            actual[score].fillna(0).astype(int).to_numpy(),
            expected[score].fillna(0).astype(int).to_numpy(),
            err_msg=score,
        )
    assert (actual["rfm_segment"] == expected["rfm_segment"]).all()


def test_money_is_summed_exactly(generated_build):
    """monetary and total_spend are the exact sums of the line amounts (to 10 places), bit for bit.

    A parallel sum of doubles adds in no fixed order, so it differs in the last bits from build to
    build; at a quintile boundary that moved a customer's m_score.
    """
    connection, _, _ = generated_build
    lines = connection.sql(
        "select orders.customer_id, items.line_amount from stg_order_items as items "
        "inner join stg_orders as orders using (order_id) where orders.order_status = 'completed'"
    ).fetchall()
    exact = defaultdict(Decimal)
    for customer_id, line_amount in lines:
        exact[customer_id] += Decimal(line_amount).quantize(Decimal("1e-10"))
    expected = {customer_id: float(total) for customer_id, total in exact.items()}

    for model, column in (("customer_rfm", "monetary"), ("dim_customers", "total_spend")):
        query = f"select customer_id, {column} from {model} where {column} > 0"
        actual = dict(connection.sql(query).fetchall())
        assert actual == expected, model


def test_every_customer_has_exactly_one_rfm_segment(generated_build):
    connection, _, _ = generated_build
    customers, rfm_rows, segmented = connection.sql(
        "select (select count(*) from dim_customers), count(*), count(rfm_segment) "
        "from customer_rfm"
    ).fetchall()[0]
    assert customers == rfm_rows == segmented


def test_higher_scores_mean_more_recent_frequent_and_valuable(generated_build):
    connection, _, _ = generated_build
    by_score = connection.sql(
        "select r_score, max(recency_days) as worst_recency, min(recency_days) as best_recency, "
        "min(frequency) as min_frequency, max(frequency) as max_frequency "
        "from customer_rfm where r_score is not null group by r_score order by r_score"
    ).df()
    # quintile boundaries never invert: the most recent customer of score s is at least as old as
    # the least recent of score s + 1
    assert (
        by_score["best_recency"].to_numpy()[:-1] >= by_score["worst_recency"].to_numpy()[1:]
    ).all()
