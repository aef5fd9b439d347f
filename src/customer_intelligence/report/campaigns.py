"""Campaigns and A/B tests: delivery, open, click and conversion rates, ROI, and each variant's
lift with its confidence interval."""

from __future__ import annotations

import plotly.graph_objects as go

from .elements import chart, decimal, integer, note, percent, side_by_side, table, tiles
from .section import Marts, section


@section("campaigns", "Campaigns", "fct_campaign_kpis")
def campaigns(marts: Marts) -> str:
    rows = marts.rows(
        """
        select campaign_id, campaign_name, sent_at, sent, delivered, unique_opens,
        machine_opens, unique_clicks, conversions, revenue, cost, open_rate,
        open_rate_including_machine_opens, click_through_rate, conversion_rate, roi
        from fct_campaign_kpis order by sent_at, campaign_id
        """
    )
    counted = (
        "sent",
        "delivered",
        "unique_opens",
        "machine_opens",
        "conversions",
        "revenue",
        "cost",
    )
    total = {column: sum(row[column] or 0 for row in rows) for column in counted}
    delivered = total["delivered"]
    body = tiles(
        (
            ("campaigns", "campaigns", integer(len(rows))),
            ("emails-sent", "emails sent", integer(total["sent"])),
            (
                "open-rate",
                "open rate (all campaigns)",
                percent(total["unique_opens"] / delivered if delivered else None),
            ),
            (
                "open-rate-including-machine-opens",
                "open rate counting machine opens",
                percent(
                    (total["unique_opens"] + total["machine_opens"]) / delivered
                    if delivered
                    else None
                ),
            ),
            ("conversions", "conversions", integer(total["conversions"])),
            ("revenue", "attributed revenue", integer(total["revenue"])),
            (
                "roi",
                "ROI (all campaigns)",
                percent(
                    (total["revenue"] - total["cost"]) / total["cost"] if total["cost"] else None, 0
                ),
            ),
        )
    )
    body += note(
        "Open rates count people: an open made by a mail client that downloads every email "
        "(Apple Mail Privacy Protection and the like, flagged is_machine_open) is a machine open, "
        "unless the recipient also clicked. Counting machine opens too inflates the open rate by "
        "the share of recipients on such clients; without the flag in the data both rates are "
        "the same."
    )
    names = [row["campaign_name"] or str(row["campaign_id"]) for row in rows]
    rates = go.Figure()
    for measure, label in (
        ("open_rate", "open rate"),
        ("open_rate_including_machine_opens", "open rate counting machine opens"),
        ("click_through_rate", "click-through rate"),
        ("conversion_rate", "conversion rate"),
    ):
        rates.add_trace(go.Bar(x=names, y=[row[measure] for row in rows], name=label))
    rates.update_layout(title="Rates per campaign", yaxis_tickformat=".0%", barmode="group")
    rates.update_xaxes(tickangle=-30)
    body += chart(rates, "campaign-rates", 420)
    body += table(
        (
            "Campaign",
            "Sent on",
            "Sent",
            "Delivered",
            "Open rate",
            "Incl. machine opens",
            "CTR",
            "Conversions",
            "Conversion rate",
            "Revenue",
            "Cost",
            "ROI",
        ),
        (
            (
                name,
                row["sent_at"].date() if row["sent_at"] else "–",
                integer(row["sent"]),
                integer(row["delivered"]),
                percent(row["open_rate"]),
                percent(row["open_rate_including_machine_opens"]),
                percent(row["click_through_rate"]),
                integer(row["conversions"]),
                percent(row["conversion_rate"], 2),
                integer(row["revenue"]),
                integer(row["cost"]),
                percent(row["roi"], 0),
            )
            for name, row in zip(names, rows, strict=True)
        ),
    )
    return body


@section("ab-tests", "A/B tests: lift with its confidence interval", "fct_ab_test_results")
def ab_tests(marts: Marts) -> str:
    rows = marts.rows(
        """
        select experiment_id, metric, variant, control_variant, variant_rate, control_rate,
        abs_lift, ci_low, ci_high, p_value, significant, verdict
        from fct_ab_test_results order by experiment_id, metric, variant, control_variant
        """
    )
    metrics = sorted({row["metric"] for row in rows})
    figure = side_by_side(*(f"{metric} rate lift" for metric in metrics), shared_yaxes=True)
    for column, metric in enumerate(metrics, start=1):
        for significant, colour, label in (
            (True, "#54A24B", "significant"),
            (False, "#888888", "not significant"),
        ):
            chosen = [
                row for row in rows if row["metric"] == metric and row["significant"] == significant
            ]
            figure.add_trace(
                go.Scatter(
                    x=[row["abs_lift"] for row in chosen],
                    y=[
                        f"{row['experiment_id']}: {row['variant']} vs {row['control_variant']}"
                        for row in chosen
                    ],
                    mode="markers",
                    marker={"size": 10, "color": colour},
                    error_x={
                        "type": "data",
                        "symmetric": False,
                        "array": [
                            (row["ci_high"] or row["abs_lift"]) - row["abs_lift"] for row in chosen
                        ],
                        "arrayminus": [
                            row["abs_lift"] - (row["ci_low"] or row["abs_lift"]) for row in chosen
                        ],
                    },
                    name=label,
                    legendgroup=label,
                    showlegend=column == 1,
                ),
                row=1,
                col=column,
            )
        figure.add_vline(x=0, line_dash="dot", line_color="#444", row=1, col=column)
    figure.update_xaxes(tickformat=".1%", title_text="absolute lift (points)")
    body = chart(
        figure,
        "ab-tests",
        160 + 40 * len({(r["experiment_id"], r["variant"], r["control_variant"]) for r in rows}),
    )
    body += table(
        (
            "Experiment",
            "Metric",
            "Variant",
            "vs",
            "Variant rate",
            "Control rate",
            "Lift",
            "95% interval",
            "p-value",
            "Verdict",
        ),
        (
            (
                row["experiment_id"],
                row["metric"],
                row["variant"],
                row["control_variant"],
                percent(row["variant_rate"], 2),
                percent(row["control_rate"], 2),
                percent(row["abs_lift"], 2),
                f"{percent(row['ci_low'], 2)} to {percent(row['ci_high'], 2)}",
                decimal(row["p_value"], 3),
                row["verdict"],
            )
            for row in rows
        ),
    )
    return body
