"""The RFM grid: customers by recency and frequency score, coloured by RFM segment."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from plotly.colors import qualitative

from .elements import chart, integer, paragraph, table
from .section import Marts, section

# the RFM grid's segments: twelve light colours, so a map's eleven graded segments all differ
SEGMENT_COLOURS = tuple(qualitative.Set3)


@section("rfm", "RFM grid: customers by recency and frequency score", "customer_rfm")
def rfm_grid(marts: Marts) -> str:
    cells = marts.rows(
        """
        select r_score, f_score, rfm_segment, count(*) as customers from customer_rfm
        where r_score is not null group by all order by r_score, f_score, customers desc
        """
    )
    without_orders = marts.rows(
        """
        select count(*) as customers from customer_rfm where r_score is null
        """
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
        """
        select rfm_segment, rfm_group, count(*) as customers from customer_rfm
        group by all order by customers desc, rfm_segment
        """
    )
    body += table(
        ("RFM segment", "Group", "Customers"),
        (
            (row["rfm_segment"], row["rfm_group"], integer(row["customers"]))
            for row in segment_sizes
        ),
        lambda column, row: f"rfm-customers:{row[0]}" if column == 2 else None,
    )
    return body
