"""Lifetime value and churn risk by segment, and the holdout scorecard of the CLV predictions."""

from __future__ import annotations

import plotly.graph_objects as go

from .elements import chart, decimal, integer, note, percent, side_by_side, table, tiles
from .section import Marts, section


@section(
    "lifetime-value",
    "Lifetime value and churn risk by segment",
    "customer_lifetime_value",
    "customer_segments",
)
def lifetime_value(marts: Marts) -> str:
    rows = marts.rows(
        """
        select segment.segment_name, count(*) as customers,
        sum(clv.predicted_clv) as predicted_clv, avg(clv.predicted_clv) as mean_clv,
        avg(clv.p_alive) as mean_p_alive,
        count(*) filter (where clv.churn_risk = 'high') as high,
        count(*) filter (where clv.churn_risk = 'medium') as medium,
        count(*) filter (where clv.churn_risk = 'low') as low
        from customer_lifetime_value as clv
        inner join customer_segments as segment using (customer_id)
        group by segment.segment_name order by predicted_clv desc nulls last
        """
    )
    names = [row["segment_name"] for row in rows]
    figure = side_by_side("Predicted CLV (sum)", "Customers by churn risk")
    figure.add_trace(
        go.Bar(x=names, y=[row["predicted_clv"] for row in rows], showlegend=False), 1, 1
    )
    for band, colour in (("high", "#E45756"), ("medium", "#EECA3B"), ("low", "#54A24B")):
        figure.add_trace(
            go.Bar(
                x=names, y=[row[band] for row in rows], name=f"{band} risk", marker_color=colour
            ),
            1,
            2,
        )
    figure.update_layout(barmode="stack")
    horizon = marts.rows("select max(horizon_weeks) as weeks from customer_lifetime_value")[0]
    body = tiles(
        (
            ("clv-customers", "customers scored", integer(sum(row["customers"] for row in rows))),
            (
                "clv-total",
                f"predicted CLV, next {integer(horizon['weeks'])} weeks",
                decimal(sum(row["predicted_clv"] or 0 for row in rows), 0),
            ),
            (
                "clv-high-risk",
                "customers at high churn risk",
                integer(sum(r["high"] for r in rows)),
            ),
        )
    )
    body += chart(figure, "lifetime-value")
    body += table(
        ("Segment", "Customers", "Predicted CLV", "Mean CLV", "Mean P(alive)", "High risk"),
        (
            (
                row["segment_name"],
                integer(row["customers"]),
                decimal(row["predicted_clv"], 0),
                decimal(row["mean_clv"]),
                percent(row["mean_p_alive"]),
                integer(row["high"]),
            )
            for row in rows
        ),
    )
    return body + holdout_scorecard(marts)


def holdout_scorecard(marts: Marts) -> str:
    """Predicted against actual holdout purchases by decile, when there is a holdout."""
    if marts.unavailable("clv_holdout_deciles", "clv_holdout_summary"):
        return note(
            "No holdout scorecard: set var clv_calibration_end before the last orders to compare "
            "the predictions with what customers then bought."
        )
    deciles = marts.rows("select * from clv_holdout_deciles order by decile")
    summary = marts.rows("select * from clv_holdout_summary")[0]
    labels = [f"decile {row['decile']}" for row in deciles]
    figure = go.Figure(
        [
            go.Bar(x=labels, y=[row["predicted_purchases"] for row in deciles], name="predicted"),
            go.Bar(x=labels, y=[row["actual_purchases"] for row in deciles], name="actual"),
        ]
    )
    figure.update_layout(
        title=f"Holdout purchase days after {summary['calibration_end']}, by decile of prediction",
        barmode="group",
        yaxis_title="purchase days",
    )
    body = tiles(
        (
            (
                "clv-holdout-predicted",
                "predicted holdout purchases",
                decimal(summary["predicted_purchases"], 0),
            ),
            (
                "clv-holdout-actual",
                "actual holdout purchases",
                integer(summary["actual_purchases"]),
            ),
            ("clv-holdout-rmse", "RMSE per customer", decimal(summary["rmse"])),
            (
                "clv-holdout-brier",
                "Brier score of buying",
                decimal(summary["purchase_brier_score"], 3),
            ),
        )
    )
    return body + chart(figure, "clv-holdout")
