"""`customer-intel report`: one self-contained HTML page of the marts, for people who read no SQL.

The page reads marts only (never raw or staging tables) and aggregates in SQL, so it stays small
whatever the number of customers. Each section is one function of the read-only connection that
returns a `Section`; a mart that is missing or empty gives a note saying so instead of a chart.
Charts are Plotly figures; plotly.js is inlined once in the page head, so the page opens offline.
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.io import to_html
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

from customer_intelligence.settings import ConfigurationError, ensure_export_dir

# one colour per category, the same in every chart of the page
PALETTE = (
    "#4C78A8",
    "#F58518",
    "#54A24B",
    "#E45756",
    "#72B7B2",
    "#EECA3B",
    "#B279A2",
    "#FF9DA6",
    "#9D755D",
    "#BAB0AC",
)
# the RFM grid's segments: twelve light colours, so a map's eleven graded segments all differ
SEGMENT_COLOURS = tuple(qualitative.Set3)
CHART_CONFIG = {"displaylogo": False, "responsive": True}
TOP_BASKET_RULES = 15
# the profile heat map's colours run from index 25 to 400 (log2 of index / 100 from -2 to 2)
INDEX_COLOUR_RANGE = 2


@dataclass(frozen=True)
class Section:
    """One part of the page: an anchor id, a heading and its HTML body."""

    key: str
    title: str
    body: str


class Marts:
    """Read-only queries on the built database; knows which marts exist and which are empty."""

    def __init__(self, connection: duckdb.DuckDBPyConnection):
        self.connection = connection
        self.tables = {
            name
            for (name,) in connection.sql(
                "select table_name from information_schema.tables where table_schema = 'main'"
            ).fetchall()
        }

    def rows(self, query: str) -> list[dict[str, Any]]:
        relation = self.connection.sql(query)
        return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]

    def unavailable(self, *tables: str) -> str | None:
        """A note naming the first of `tables` that is missing or empty, else None."""
        for table in tables:
            if table not in self.tables:
                return f"{table} is not in the database: build it with `customer-intel build`."
            if not self.connection.sql(f"select 1 from {table} limit 1").fetchall():
                return f"{table} is empty."
        return None


# --- HTML helpers -------------------------------------------------------------------------------


def note(text: str) -> str:
    return f'<p class="note">{html.escape(text)}</p>'


def paragraph(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def chart(figure: go.Figure, key: str, height: int = 420) -> str:
    figure.update_layout(
        height=height,
        margin={"l": 60, "r": 30, "t": 50, "b": 50},
        template="plotly_white",
        colorway=PALETTE,
    )
    return to_html(
        figure,
        full_html=False,
        include_plotlyjs=False,
        div_id=f"chart-{key}",
        config=CHART_CONFIG,
    )


def integer(value: Any) -> str:
    return "–" if value is None else f"{value:,.0f}"


def decimal(value: Any, places: int = 2) -> str:
    return "–" if value is None else f"{value:,.{places}f}"


def percent(value: Any, places: int = 1) -> str:
    return "–" if value is None else f"{value:.{places}%}"


def tiles(items: Iterable[tuple[str, str, str]]) -> str:
    """KPI tiles from (figure id, label, shown value); data-figure lets tests find a figure."""
    cells = "".join(
        f'<div class="tile"><div class="value" data-figure="{html.escape(key)}">'
        f'{html.escape(value)}</div><div class="label">{html.escape(label)}</div></div>'
        for key, label, value in items
    )
    return f'<div class="tiles">{cells}</div>'


def table(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    figure_ids: Callable[[int, Sequence[Any]], str | None] | None = None,
) -> str:
    """A table of already formatted cells; figure_ids(column, row) tags a cell with data-figure."""
    head = "".join(f"<th>{html.escape(str(name))}</th>" for name in header)
    body = []
    for row in rows:
        cells = []
        for column, value in enumerate(row):
            key = figure_ids(column, row) if figure_ids else None
            tag = f' data-figure="{html.escape(key)}"' if key else ""
            cells.append(f"<td{tag}>{html.escape(str(value))}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


# --- sections -----------------------------------------------------------------------------------


def k_selection(marts: Marts) -> Section:
    title = "How many segments: the k-selection"
    missing = marts.unavailable("segmentation_model_selection")
    if missing:
        return Section("k-selection", title, note(missing))
    rows = marts.rows(
        "select k, inertia, silhouette, stability, is_knee, is_chosen "
        "from segmentation_model_selection order by k"
    )
    ks = [row["k"] for row in rows]
    figure = make_subplots(
        rows=1, cols=2, subplot_titles=("Inertia (elbow)", "Silhouette (higher is better)")
    )
    figure.add_trace(
        go.Scatter(x=ks, y=[row["inertia"] for row in rows], mode="lines+markers", name="inertia"),
        row=1,
        col=1,
    )
    figure.add_trace(
        go.Scatter(
            x=ks, y=[row["silhouette"] for row in rows], mode="lines+markers", name="silhouette"
        ),
        row=1,
        col=2,
    )
    for flag, label, symbol, colour in (
        ("is_knee", "knee", "diamond-open", "#E45756"),
        ("is_chosen", "chosen k", "star", "#54A24B"),
    ):
        marked = [row for row in rows if row[flag]]
        for column, measure in ((1, "inertia"), (2, "silhouette")):
            figure.add_trace(
                go.Scatter(
                    x=[row["k"] for row in marked],
                    y=[row[measure] for row in marked],
                    mode="markers",
                    marker={"symbol": symbol, "size": 16, "color": colour, "line": {"width": 2}},
                    name=label,
                    legendgroup=label,
                    showlegend=column == 1,
                ),
                row=1,
                col=column,
            )
    figure.update_xaxes(title_text="k (segments)", dtick=1)
    chosen = next((row for row in rows if row["is_chosen"]), None)
    knee = next((row for row in rows if row["is_knee"]), None)
    summary = (
        f"The segmentation uses k = {chosen['k']} (silhouette {decimal(chosen['silhouette'], 3)}, "
        f"stability {decimal(chosen['stability'], 2)})"
        if chosen
        else "No k is marked as chosen"
    )
    summary += f"; the inertia curve's knee is at k = {knee['k']}." if knee else "."
    body = (
        f'<p>{html.escape(summary)} <span data-figure="chosen-k" hidden>'
        f"{chosen['k'] if chosen else ''}</span></p>" + chart(figure, "k-selection", 380)
    )
    return Section("k-selection", title, body)


def segment_overview(marts: Marts) -> Section:
    title = "Segments: who they are"
    missing = marts.unavailable("segment_summaries")
    if missing:
        return Section("segments", title, note(missing))
    segments = marts.rows(
        "select segment_id, segment_name, segment_description, customers, customer_share, "
        "revenue, revenue_share, preferred_channel, top_categories "
        "from segment_summaries order by segment_id"
    )
    names = [row["segment_name"] for row in segments]
    shares = go.Figure()
    for measure, label in (
        ("customer_share", "share of customers"),
        ("revenue_share", "share of revenue"),
    ):
        shares.add_trace(
            go.Bar(
                x=names,
                y=[row[measure] for row in segments],
                name=label,
                text=[percent(row[measure]) for row in segments],
                textposition="outside",
            )
        )
    shares.update_layout(
        title="Size and revenue share by segment", yaxis_tickformat=".0%", barmode="group"
    )
    body = chart(shares, "segment-shares", 400)
    body += table(
        (
            "Segment",
            "Description",
            "Customers",
            "Share",
            "Revenue share",
            "Channel",
            "Top categories",
        ),
        (
            (
                row["segment_name"],
                row["segment_description"],
                integer(row["customers"]),
                percent(row["customer_share"]),
                percent(row["revenue_share"]),
                row["preferred_channel"] or "–",
                row["top_categories"] or "–",
            )
            for row in segments
        ),
        lambda column, row: f"segment-customers:{row[0]}" if column == 2 else None,
    )
    if marts.unavailable("segment_profiles") is None:
        profiles = marts.rows(
            "select segment_name, feature, index_vs_population from segment_profiles "
            "order by segment_id, feature"
        )
        features = sorted({row["feature"] for row in profiles})
        index = {
            (row["segment_name"], row["feature"]): row["index_vs_population"] for row in profiles
        }
        values = [[index.get((name, feature)) for feature in features] for name in names]
        heat_map = go.Figure(
            go.Heatmap(
                z=[[index_colour(value) for value in row] for row in values],
                x=features,
                y=names,
                zmin=-INDEX_COLOUR_RANGE,
                zmax=INDEX_COLOUR_RANGE,
                colorscale="RdBu_r",
                text=[[decimal(value, 0) for value in row] for row in values],
                texttemplate="%{text}",
                colorbar={
                    "title": "index",
                    "tickvals": [-2, -1, 0, 1, 2],
                    "ticktext": ["25", "50", "100", "200", "400"],
                },
                hovertemplate="%{y}<br>%{x}: index %{text}<extra></extra>",
            )
        )
        heat_map.update_layout(title="Feature index by segment (100 = all customers' average)")
        heat_map.update_xaxes(tickangle=-35)
        heat_map.update_yaxes(autorange="reversed")
        body += chart(heat_map, "segment-profiles", 120 + 45 * len(names) + 120)
    else:
        body += note(marts.unavailable("segment_profiles"))
    return Section("segments", title, body)


def index_colour(value: float | None) -> float | None:
    """Colour position of an index: log2(index / 100), half and double equally far from 100."""
    if value is None:
        return None
    if value <= 0:
        return -INDEX_COLOUR_RANGE
    return max(-INDEX_COLOUR_RANGE, min(INDEX_COLOUR_RANGE, math.log2(value / 100)))


def rfm_grid(marts: Marts) -> Section:
    title = "RFM grid: customers by recency and frequency score"
    missing = marts.unavailable("customer_rfm")
    if missing:
        return Section("rfm", title, note(missing))
    cells = marts.rows(
        "select r_score, f_score, rfm_segment, count(*) as customers from customer_rfm "
        "where r_score is not null group by all order by r_score, f_score, customers desc"
    )
    without_orders = marts.rows(
        "select count(*) as customers from customer_rfm where r_score is null"
    )[0]["customers"]
    # a map may split one R x F cell by M score: the cell shows its largest segment
    largest: dict[tuple[int, int], dict[str, Any]] = {}
    totals: dict[tuple[int, int], int] = {}
    for cell in cells:
        key = (cell["r_score"], cell["f_score"])
        largest.setdefault(key, cell)
        totals[key] = totals.get(key, 0) + cell["customers"]
    segments = sorted({cell["rfm_segment"] for cell in largest.values()})
    code = {segment: position for position, segment in enumerate(segments)}
    scores = range(1, 6)
    z = [
        [code.get(largest[(r, f)]["rfm_segment"]) if (r, f) in largest else None for r in scores]
        for f in scores
    ]
    text = [
        [
            f"{largest[(r, f)]['rfm_segment']}<br>{totals[(r, f)]:,}" if (r, f) in largest else ""
            for r in scores
        ]
        for f in scores
    ]
    # a stepped colour scale so each segment code gets one flat colour
    steps = max(len(segments), 1)
    colour_scale = []
    for position in range(steps):
        colour = SEGMENT_COLOURS[position % len(SEGMENT_COLOURS)]
        colour_scale += [[position / steps, colour], [(position + 1) / steps, colour]]
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=[f"R{r}" for r in scores],
            y=[f"F{f}" for f in scores],
            text=text,
            texttemplate="%{text}",
            colorscale=colour_scale,
            zmin=-0.5,
            zmax=steps - 0.5,
            showscale=False,
            xgap=2,
            ygap=2,
            hovertemplate="%{x} %{y}<br>%{text}<extra></extra>",
        )
    )
    figure.update_layout(
        title="Customers per R x F cell, coloured by RFM segment (5 = best)",
        xaxis_title="recency score",
        yaxis_title="frequency score",
    )
    body = chart(figure, "rfm-grid", 520)
    if without_orders:
        body += paragraph(f"{without_orders:,} customers without orders are not on the grid.")
    segment_sizes = marts.rows(
        "select rfm_segment, rfm_group, count(*) as customers from customer_rfm "
        "group by all order by customers desc, rfm_segment"
    )
    body += table(
        ("RFM segment", "Group", "Customers"),
        (
            (row["rfm_segment"], row["rfm_group"], integer(row["customers"]))
            for row in segment_sizes
        ),
        lambda column, row: f"rfm-customers:{row[0]}" if column == 2 else None,
    )
    return Section("rfm", title, body)


def model_versions(marts: Marts) -> str:
    """The registry's K-means versions, newest first: how each fit started, whom it moved."""
    missing = marts.unavailable("segmentation_model_registry")
    if missing:
        return note(missing)
    versions = marts.rows(
        "select model_version, trained_at, k, fit_start, customers_moved, customers_fitted "
        "from segmentation_model_registry order by trained_at desc"
    )
    intro = paragraph(
        "K-means model versions: a rebuild starts from the previous centroids ('previous') "
        "unless k or the features changed or a fresh fit was clearly better ('fresh'); moved "
        "counts the customers the refit put in another segment."
    )
    return intro + table(
        ("Model version", "Trained at", "k", "Fit start", "Customers moved", "Customers"),
        (
            (
                row["model_version"],
                f"{row['trained_at']:%Y-%m-%d %H:%M}",
                row["k"],
                row["fit_start"],
                integer(row["customers_moved"]),
                integer(row["customers_fitted"]),
            )
            for row in versions
        ),
        lambda column, row: f"customers-moved:{row[0]}" if column == 4 else None,
    )


def segment_migration(marts: Marts) -> Section:
    title = "Segment migration between builds"
    versions = model_versions(marts)
    missing = marts.unavailable("fct_segment_transitions")
    if missing:
        explanation = (
            " Moves appear once a later build finds customers in other segments"
            " (snapshot customer_segment_history): build again after the data changes."
        )
        return Section("migration", title, versions + note(missing + explanation))
    moves = marts.rows(
        "select segmentation, from_segment, to_segment, sum(customers) as customers "
        "from fct_segment_transitions group by all order by segmentation, customers desc"
    )
    latest = marts.rows("select max(valid_from_date) as day from fct_segment_transitions")[0]["day"]
    body = versions + paragraph(
        f"Customers who changed segment, over all snapshot runs up to {latest}."
    )
    for segmentation, label in (("kmeans", "K-means segments"), ("rfm", "RFM segments")):
        flows = [move for move in moves if move["segmentation"] == segmentation]
        if not flows:
            body += note(f"No moves between {label} recorded.")
            continue
        sources = sorted({move["from_segment"] for move in flows})
        targets = sorted({move["to_segment"] for move in flows})
        labels = [f"{name} (before)" for name in sources] + [f"{name} (after)" for name in targets]
        figure = go.Figure(
            go.Sankey(
                node={"label": labels, "pad": 12},
                link={
                    "source": [sources.index(move["from_segment"]) for move in flows],
                    "target": [len(sources) + targets.index(move["to_segment"]) for move in flows],
                    "value": [move["customers"] for move in flows],
                },
            )
        )
        figure.update_layout(title=f"{label}: moves between builds")
        body += chart(figure, f"migration-{segmentation}", 440)
    return Section("migration", title, body)


def campaigns(marts: Marts) -> Section:
    title = "Campaigns"
    missing = marts.unavailable("fct_campaign_kpis")
    if missing:
        explanation = " Input without campaigns and email events builds no campaign figures."
        return Section("campaigns", title, note(missing + explanation))
    rows = marts.rows(
        "select campaign_id, campaign_name, sent_at, sent, delivered, unique_opens, "
        "machine_opens, unique_clicks, conversions, revenue, cost, open_rate, "
        "open_rate_including_machine_opens, click_through_rate, conversion_rate, roi "
        "from fct_campaign_kpis order by sent_at, campaign_id"
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
    return Section("campaigns", title, body)


def ab_tests(marts: Marts) -> Section:
    title = "A/B tests: lift with its confidence interval"
    missing = marts.unavailable("fct_ab_test_results")
    if missing:
        explanation = " Only campaigns sent as an experiment with variants give A/B results."
        return Section("ab-tests", title, note(missing + explanation))
    rows = marts.rows(
        "select experiment_id, metric, variant, control_variant, variant_rate, control_rate, "
        "abs_lift, ci_low, ci_high, p_value, significant, verdict "
        "from fct_ab_test_results order by experiment_id, metric, variant, control_variant"
    )
    metrics = sorted({row["metric"] for row in rows})
    figure = make_subplots(
        rows=1,
        cols=len(metrics),
        subplot_titles=[f"{metric} rate lift" for metric in metrics],
        shared_yaxes=True,
    )
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
    return Section("ab-tests", title, body)


def baskets_and_recommendations(marts: Marts) -> Section:
    title = "Basket rules and recommendations per segment"
    names: dict[int, str] = {}
    if marts.unavailable("dim_products") is None:
        names = {
            row["product_id"]: row["product_name"]
            for row in marts.rows("select product_id, product_name from dim_products")
        }

    def product(product_id: int | None, name: str | None = None) -> str:
        return name or names.get(product_id) or f"product {product_id}"

    body = ""
    missing = marts.unavailable("basket_rules")
    if missing:
        body += note(missing)
    else:
        rules = marts.rows(
            "select antecedent, antecedent_2, consequent, antecedent_name, antecedent_2_name,"
            " consequent_name, support, confidence, lift, pair_orders from basket_rules"
            f" order by lift desc, pair_orders desc limit {TOP_BASKET_RULES}"
        )
        labels = [
            " + ".join(
                product(rule[item], rule[f"{item}_name"])
                for item in ("antecedent", "antecedent_2")
                if rule[item] is not None
            )
            + f" → {product(rule['consequent'], rule['consequent_name'])}"
            for rule in rules
        ]
        figure = go.Figure(
            go.Bar(
                x=[rule["lift"] for rule in rules][::-1],
                y=labels[::-1],
                orientation="h",
                text=[decimal(rule["lift"]) for rule in rules][::-1],
                textposition="outside",
            )
        )
        figure.update_layout(title=f"Top {len(rules)} basket rules by lift", xaxis_title="lift")
        body += chart(figure, "basket-rules", 140 + 28 * len(rules))
        body += table(
            ("Rule", "Support", "Confidence", "Lift", "Orders with both"),
            (
                (
                    label,
                    percent(rule["support"], 2),
                    percent(rule["confidence"]),
                    decimal(rule["lift"]),
                    integer(rule["pair_orders"]),
                )
                for label, rule in zip(labels, rules, strict=True)
            ),
        )
    missing = marts.unavailable("segment_recommendations", "segment_summaries")
    if missing:
        body += note(missing)
    else:
        recommendations = marts.rows(
            "select summaries.segment_name, recommendations.rank, recommendations.product_id, "
            "recommendations.score, recommendations.buyers "
            "from segment_recommendations as recommendations "
            "inner join segment_summaries as summaries using (segment_id) "
            "order by recommendations.segment_id, recommendations.rank"
        )
        body += "<h3>What each segment buys out of proportion</h3>"
        body += table(
            ("Segment", "Rank", "Product", "Score (1 = like everyone)", "Buyers in segment"),
            (
                (
                    row["segment_name"],
                    row["rank"],
                    product(row["product_id"]),
                    decimal(row["score"]),
                    integer(row["buyers"]),
                )
                for row in recommendations
            ),
        )
    body += recommendation_hold_out(marts)
    return Section("baskets", title, body)


def recommendation_hold_out(marts: Marts) -> str:
    """The hold-out hit rates of the served blend and each component, and the blend's weights."""
    missing = marts.unavailable("recommendation_evaluation", "recommendation_blend_weights")
    if missing:
        return note(missing)
    served = marts.rows(
        "select candidate, weight_segment, weight_rules, weight_popularity, chosen_by"
        " from recommendation_blend_weights where is_chosen"
    )
    evaluation = marts.rows(
        "select model, customers_evaluated, hit_rate_at_3, hit_rate_standard_error, recall_at_3"
        " from recommendation_evaluation order by model = 'blended' desc, hit_rate_at_3 desc"
    )
    body = "<h3>How often customers bought an offer (hold-out, top 3)</h3>"
    if served:
        blend = served[0]
        body += paragraph(
            f"Served blend: {blend['candidate']} (segment {decimal(blend['weight_segment'])},"
            f" rules {decimal(blend['weight_rules'])}, popularity"
            f" {decimal(blend['weight_popularity'])}), chosen by"
            f" {'your vars' if blend['chosen_by'] == 'vars' else 'the validation window'}."
        )
    labels = {
        row["model"]: "served blend" if row["model"] == "blended" else f"{row['model']} alone"
        for row in evaluation
    }
    models = {label: model for model, label in labels.items()}
    return body + table(
        ("Recommender", "Customers", "Hit rate", "± 2 standard errors", "Recall"),
        (
            (
                labels[row["model"]],
                integer(row["customers_evaluated"]),
                percent(row["hit_rate_at_3"]),
                percent(2 * row["hit_rate_standard_error"]),
                percent(row["recall_at_3"]),
            )
            for row in evaluation
        ),
        lambda column, row: f"hit-rate-{models[row[0]]}" if column == 2 else None,
    )


def data_quality(marts: Marts) -> Section:
    title = "Data quality: rejected raw rows"
    if "dq_rejected_rows" not in marts.tables:
        return Section("data-quality", title, note(marts.unavailable("dq_rejected_rows") or ""))
    rows = marts.rows(
        "select source_table, reason, count(*) as rows from dq_rejected_rows "
        "group by all order by source_table, rows desc"
    )
    if not rows:
        return Section("data-quality", title, paragraph("No raw row was rejected."))
    sources = sorted({row["source_table"] for row in rows})
    reasons = sorted({row["reason"] for row in rows})
    counts = {(row["source_table"], row["reason"]): row["rows"] for row in rows}
    figure = go.Figure(
        [
            go.Bar(
                y=sources,
                x=[counts.get((source, reason), 0) for source in sources],
                name=reason,
                orientation="h",
            )
            for reason in reasons
        ]
    )
    figure.update_layout(
        title="Rejected rows by source and reason", barmode="stack", xaxis_title="rows"
    )
    body = tiles((("rejected-rows", "rejected raw rows", integer(sum(counts.values()))),))
    body += chart(figure, "data-quality", 140 + 40 * len(sources) + 20 * len(reasons))
    body += table(
        ("Source", "Reason", "Rows"),
        ((row["source_table"], row["reason"], integer(row["rows"])) for row in rows),
    )
    return Section("data-quality", title, body)


def lifetime_value(marts: Marts) -> Section:
    title = "Lifetime value and churn risk by segment"
    missing = marts.unavailable("customer_lifetime_value", "customer_segments")
    if missing:
        return Section("lifetime-value", title, note(missing))
    rows = marts.rows(
        "select segment.segment_name, count(*) as customers,"
        " sum(clv.predicted_clv) as predicted_clv, avg(clv.predicted_clv) as mean_clv,"
        " avg(clv.p_alive) as mean_p_alive,"
        " count(*) filter (where clv.churn_risk = 'high') as high,"
        " count(*) filter (where clv.churn_risk = 'medium') as medium,"
        " count(*) filter (where clv.churn_risk = 'low') as low"
        " from customer_lifetime_value as clv"
        " inner join customer_segments as segment using (customer_id)"
        " group by segment.segment_name order by predicted_clv desc nulls last"
    )
    names = [row["segment_name"] for row in rows]
    figure = make_subplots(
        rows=1, cols=2, subplot_titles=("Predicted CLV (sum)", "Customers by churn risk")
    )
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
    return Section("lifetime-value", title, body + holdout_scorecard(marts))


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


SECTIONS: tuple[Callable[[Marts], Section], ...] = (
    k_selection,
    segment_overview,
    rfm_grid,
    segment_migration,
    lifetime_value,
    campaigns,
    ab_tests,
    baskets_and_recommendations,
    data_quality,
)

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #222;
       background: #f6f7f9; }
header { background: #1f3b57; color: #fff; padding: 1.2rem 2rem; }
header h1 { margin: 0 0 .3rem; font-size: 1.6rem; }
header p { margin: 0; opacity: .85; }
nav { padding: .6rem 2rem; background: #e8ecf1; }
nav a { margin-right: 1rem; color: #1f3b57; }
main { padding: 0 2rem 2rem; max-width: 1300px; }
section { background: #fff; border-radius: 6px; padding: 1rem 1.4rem; margin-top: 1.2rem;
          box-shadow: 0 1px 3px rgba(0,0,0,.08); }
h2 { margin-top: .2rem; color: #1f3b57; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .9rem; }
th, td { padding: .3rem .7rem; border-bottom: 1px solid #e3e6ea; text-align: left; }
th { background: #f0f2f5; }
.tiles { display: flex; flex-wrap: wrap; gap: .8rem; margin: .6rem 0 1rem; }
.tile { background: #f0f4f8; border-radius: 6px; padding: .7rem 1.1rem; min-width: 9rem; }
.tile .value { font-size: 1.5rem; font-weight: 600; color: #1f3b57; }
.tile .label { font-size: .85rem; color: #555; }
.note { background: #fff8e1; border-left: 4px solid #eeca3b; padding: .6rem .9rem; }
"""


def render(connection: duckdb.DuckDBPyConnection, source: str = "") -> str:
    """The whole page as one HTML string, built from the marts the connection can read."""
    marts = Marts(connection)
    sections = [section(marts) for section in SECTIONS]
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    navigation = "".join(
        f'<a href="#{section.key}">{html.escape(section.title.split(":")[0])}</a>'
        for section in sections
    )
    content = "".join(
        f'<section id="{section.key}"><h2>{html.escape(section.title)}</h2>{section.body}</section>'
        for section in sections
    )
    origin = f" from {html.escape(source)}" if source else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Customer intelligence report</title>"
        f"<style>{STYLE}</style>"
        f'<script type="text/javascript">{get_plotlyjs()}</script>'
        "</head><body>"
        "<header><h1>Customer intelligence report</h1>"
        f"<p>Generated {generated}{origin}. Every figure comes from the dbt marts.</p></header>"
        f"<nav>{navigation}</nav><main>{content}</main></body></html>\n"
    )


def write_report(database: Path, export_dir: Path) -> Path:
    """Writes export_dir/report/index.html from the database's marts; returns its path.

    The page is written beside its final name and renamed, so a reader never sees half a page.
    """
    if not database.exists():
        raise ConfigurationError(f"{database} does not exist yet: run `make demo` or `dbt build`.")
    folder = ensure_export_dir(export_dir / "report")
    try:
        connection = duckdb.connect(str(database), read_only=True)
    except duckdb.IOException as error:
        raise ConfigurationError(
            f"{database} cannot be read ({error}). If a build is running, wait for it to finish."
        ) from error
    with connection:
        page = render(connection, source=database.name)
    target = folder / "index.html"
    partial = folder / f".index.html.{os.getpid()}.tmp"
    partial.write_text(page, encoding="utf-8")
    os.replace(partial, target)
    return target
