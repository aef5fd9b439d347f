"""The K-means segments: how k was chosen, who each segment is, and how customers moved between
builds (the model registry's versions and the snapshot's transitions)."""

from __future__ import annotations

import html
import math

import plotly.graph_objects as go

from .elements import chart, decimal, integer, note, paragraph, percent, side_by_side, table
from .section import Marts, section

# the profile heat map's colours run from index 25 to 400 (log2 of index / 100 from -2 to 2)
INDEX_COLOUR_RANGE = 2


@section("k-selection", "How many segments: the k-selection", "segmentation_model_selection")
def k_selection(marts: Marts) -> str:
    rows = marts.rows(
        """
        select k, inertia, silhouette, stability, is_knee, is_chosen
        from segmentation_model_selection order by k
        """
    )
    ks = [row["k"] for row in rows]
    figure = side_by_side("Inertia (elbow)", "Silhouette (higher is better)")
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
    return body


@section("segments", "Segments: who they are", "segment_summaries")
def segment_overview(marts: Marts) -> str:
    segments = marts.rows(
        """
        select segment_id, segment_name, segment_description, customers, customer_share,
        revenue, revenue_share, preferred_channel, top_categories
        from segment_summaries order by segment_id
        """
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
            """
            select segment_name, feature, index_vs_population from segment_profiles
            order by segment_id, feature
            """
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
    return body


def index_colour(value: float | None) -> float | None:
    """Colour position of an index: log2(index / 100), half and double equally far from 100."""
    if value is None:
        return None
    if value <= 0:
        return -INDEX_COLOUR_RANGE
    return max(-INDEX_COLOUR_RANGE, min(INDEX_COLOUR_RANGE, math.log2(value / 100)))


def model_versions(marts: Marts) -> str:
    """The registry's K-means versions, newest first: how each fit started, whom it moved."""
    missing = marts.unavailable("segmentation_model_registry")
    if missing:
        return note(missing)
    versions = marts.rows(
        """
        select model_version, trained_at, k, fit_start, customers_moved, customers_fitted
        from segmentation_model_registry order by trained_at desc
        """
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


@section("migration", "Segment migration between builds")
def segment_migration(marts: Marts) -> str:
    versions = model_versions(marts)
    missing = marts.unavailable("fct_segment_transitions")
    if missing:
        return versions + note(missing)
    moves = marts.rows(
        """
        select segmentation, from_segment, to_segment, sum(customers) as customers
        from fct_segment_transitions group by all order by segmentation, customers desc
        """
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
    return body
