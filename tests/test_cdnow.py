"""A real purchase log: the CDNOW sample's 6,919 purchases (Fader, Hardie and Lee 2005) built as
a user's transaction log, calibrated to 1997-09-30 with the paper's 39-week holdout. The CLV
fit, the holdout scorecard, the next-order date and the RFM scores against the literature and
independent recomputations."""

from __future__ import annotations

import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from conftest import build_with_input, copy_project, quick_vars_block
from customer_intelligence.report import render
from test_clv import PUBLISHED_BGNBD, _hand_p_alive
from test_report import figures, number
from test_rfm_end_to_end import cut_point_scores

pytestmark = pytest.mark.e2e

SAMPLE = Path(__file__).parent / "data" / "cdnow" / "CDNOW_sample.txt"
CALIBRATION_END = datetime.date(1997, 9, 30)


@pytest.fixture(scope="module")
def cdnow_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cdnow")
    lines = pd.read_csv(
        SAMPLE, sep=r"\s+", header=None, names=["master_id", "customer", "date", "cds", "amount"]
    )
    # a line number as order id: a customer's lines of one day are separate purchases of it
    lines["line"] = np.arange(len(lines))
    lines.to_csv(folder / "cdnow.csv", index=False)
    config = (
        "sources:\n"
        "  transactions:\n"
        f"    path: {folder / 'cdnow.csv'}\n"
        "    date_format: '%Y%m%d'\n"
        "    columns: {customer_id: customer, order_date: date, order_id: line, quantity: cds,\n"
        "              amount: amount}\n"
        + quick_vars_block().replace(
            "vars: {", f"vars: {{clv_calibration_end: {CALIBRATION_END.isoformat()}, "
        )
    )
    project = copy_project(folder / "project")
    database = folder / "build.duckdb"
    result = build_with_input(project, config, database)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    lines["ordered_on"] = pd.to_datetime(lines["date"].astype(str), format="%Y%m%d")
    with duckdb.connect(str(database), read_only=True) as connection:
        yield connection, lines


def test_the_build_fits_the_published_estimates_on_the_papers_purchases(cdnow_build):
    connection, _ = cdnow_build
    params = connection.sql("select * from clv_model_params").df().iloc[0]

    assert params["customers"] == 2357
    for name, published in PUBLISHED_BGNBD.items():
        assert params[name] == pytest.approx(published, rel=0.01), name


def test_the_holdout_scorecard_adds_up_and_ranks_the_buyers(cdnow_build):
    connection, lines = cdnow_build
    check = connection.sql("select * from clv_holdout_check").df()
    summary = connection.sql("select * from clv_holdout_summary").df().iloc[0]
    deciles = connection.sql("select * from clv_holdout_deciles order by decile").df()
    customers = connection.sql("select customer_id, source_customer_id from dim_customers").df()
    check = check.merge(customers, on=["customer_id", "source_customer_id"])

    holdout = lines[lines["ordered_on"] > pd.Timestamp(CALIBRATION_END)]
    days = holdout.groupby(["customer", "ordered_on"])["amount"].sum().reset_index()
    actual = days.groupby("customer").agg(purchases=("amount", "size"), revenue=("amount", "sum"))
    actual.index = actual.index.astype(str)
    by_customer = check.set_index("source_customer_id")
    expected = actual.reindex(by_customer.index, fill_value=0)
    np.testing.assert_array_equal(by_customer["actual_purchases"], expected["purchases"])
    np.testing.assert_allclose(by_customer["actual_revenue"], expected["revenue"])

    # deciles: ntile(10) over predicted purchases, ties by customer_id, recomputed in pandas
    ranked = check.sort_values(["predicted_purchases", "customer_id"], ascending=[False, True])
    sizes = [len(ranked) // 10 + (decile < len(ranked) % 10) for decile in range(10)]
    ranked["decile"] = np.repeat(np.arange(1, 11), sizes)
    recomputed = ranked.groupby("decile")[
        ["predicted_purchases", "actual_purchases", "predicted_revenue", "actual_revenue"]
    ].sum()
    assert deciles["customers"].tolist() == sizes
    for column in recomputed.columns:
        np.testing.assert_allclose(deciles[column], recomputed[column], err_msg=column)
        assert deciles[column].sum() == pytest.approx(check[column].sum())
    assert deciles["actual_purchases"].sum() == summary["actual_purchases"]
    assert deciles["actual_purchases"].iloc[0] > 5 * deciles["actual_purchases"].iloc[-1]

    errors = check["predicted_purchases"] - check["actual_purchases"]
    assert summary["rmse"] == pytest.approx(np.sqrt((errors**2).mean()))
    bought = (check["actual_purchases"] > 0).astype(float)
    brier = ((check["purchase_probability"] - bought) ** 2).mean()
    assert summary["purchase_brier_score"] == pytest.approx(brier)
    # better than answering every customer with the share of buyers
    assert brier < bought.mean() * (1 - bought.mean())


def test_the_purchase_probability_follows_the_fitted_model(cdnow_build):
    connection, _ = cdnow_build
    params = connection.sql("select * from clv_model_params").df().iloc[0]
    check = connection.sql(
        "select holdout.*, value.repeat_purchases as x, value.recency_weeks as t_x,"
        " value.age_weeks as T from clv_holdout_check as holdout"
        " inner join customer_lifetime_value as value using (customer_id)"
    ).df()
    r, alpha, a, b = (params[name] for name in ("r", "alpha", "a", "b"))
    alive = np.array(
        [_hand_p_alive(r, alpha, a, b, *row) for row in check[["x", "t_x", "T"]].to_numpy()]
    )
    silent = ((alpha + check["T"]) / (alpha + check["T"] + check["holdout_weeks"])) ** (
        r + check["x"]
    )
    np.testing.assert_allclose(check["purchase_probability"], alive * (1 - silent))


def test_the_next_order_date_is_the_median_wait_of_a_simulated_customer(cdnow_build):
    """Monte Carlo of the model: alive with P(alive), a purchase rate from the posterior
    Gamma(r + x, alpha + T), an exponential wait; half the draws buy by the predicted date."""
    connection, _ = cdnow_build
    params = connection.sql("select * from clv_model_params").df().iloc[0]
    r, alpha, a, b = (params[name] for name in ("r", "alpha", "a", "b"))
    value = connection.sql(
        "select * from customer_lifetime_value where expected_next_order_date is not null"
        " order by p_alive, repeat_purchases, customer_id"
    ).df()
    # a one-time buyer, and repeat buyers from the least to the most likely alive
    picked = value.iloc[np.linspace(0, len(value) - 1, 5).astype(int)]
    rng = np.random.default_rng(0)
    draws = 400_000
    for _, customer in picked.iterrows():
        x, t_x, T = customer["repeat_purchases"], customer["recency_weeks"], customer["age_weeks"]
        alive = rng.random(draws) < _hand_p_alive(r, alpha, a, b, x, t_x, T)
        rate = rng.gamma(r + x, 1 / (alpha + T), draws)
        wait = np.where(alive, rng.exponential(1 / rate), np.inf)
        days = (customer["expected_next_order_date"] - customer["calibration_end"]).days
        # the date is rounded to whole days: the median lies within half a day of it
        assert np.mean(wait <= (days - 0.5) / 7) < 0.5 + 0.004, customer.to_dict()
        assert np.mean(wait <= (days + 0.5) / 7) > 0.5 - 0.004, customer.to_dict()
    # p_alive at most 1/2, or a median beyond the horizon: no date
    rest = connection.sql(
        "select p_alive, expected_next_order_date from customer_lifetime_value where p_alive <= 0.5"
    ).df()
    assert len(rest) > 0 and rest["expected_next_order_date"].isna().all()


def test_customers_with_a_next_order_inside_the_holdout_buy_in_it_more_often(cdnow_build):
    connection, _ = cdnow_build
    compared = connection.sql(
        "select coalesce(value.expected_next_order_date <= value.calibration_end"
        " + to_days(cast(round(holdout.holdout_weeks * 7) as integer)), false) as inside,"
        " count(*) as customers,"
        " avg(case when holdout.actual_purchases > 0 then 1 else 0 end) as bought"
        " from customer_lifetime_value as value"
        " inner join clv_holdout_check as holdout using (customer_id)"
        " group by all order by all"
    ).df()
    print(compared.to_string())  # the figures for the record (pytest -s)
    shares = dict(zip(compared["inside"], compared["bought"], strict=True))
    assert compared["customers"].sum() == 2357
    assert shares[True] > 2 * shares[False]


def test_the_report_shows_the_scorecard(cdnow_build):
    connection, _ = cdnow_build
    page = render(connection)
    shown = figures(page)
    summary = connection.sql("select * from clv_holdout_summary").df().iloc[0]

    assert 'id="chart-clv-holdout"' in page
    assert number(shown["clv-holdout-actual"]) == summary["actual_purchases"]
    assert number(shown["clv-holdout-rmse"]) == pytest.approx(summary["rmse"], abs=0.005)
    assert number(shown["clv-holdout-brier"]) == pytest.approx(
        summary["purchase_brier_score"], abs=0.0005
    )


def test_rfm_scores_are_the_quantile_cut_points_rule_recomputed_in_pandas(cdnow_build):
    connection, _ = cdnow_build
    rfm = connection.sql("select * from customer_rfm where frequency > 0").df()
    for measure, score, higher_is_better in (
        ("recency_days", "r_score", False),
        ("frequency", "f_score", True),
        ("monetary", "m_score", True),
    ):
        expected = cut_point_scores(rfm[measure], higher_is_better)
        np.testing.assert_array_equal(rfm[score], expected, err_msg=measure)
    # most of the log bought once: every one-time buyer has F = 1, none is a loyal customer
    once = rfm[rfm["frequency"] == 1]
    assert len(once) > len(rfm) / 2
    assert set(once["f_score"]) == {1}
    assert "Loyal Customers" not in set(once["rfm_segment"])


def test_the_placeholder_product_of_lines_without_one_is_never_recommended(cdnow_build):
    connection, _ = cdnow_build
    products = connection.sql("select source_product_id from stg_products").fetchall()
    offered = connection.sql(
        "select count(*) from customer_recommendations"
        " union all select count(*) from segment_recommendations"
    ).fetchall()

    # the log names no products: its lines are all the placeholder 'unspecified'
    assert products == [("unspecified",)]
    assert offered == [(0,), (0,)]
